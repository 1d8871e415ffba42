using SkiaSharp;

namespace Vae.MLNet;

/// <summary>
/// The one implementation of <see cref="VaeImagePreprocessing"/>: 8-bit premultiplied RGBA/BGRA pixels of any
/// size → the model's C×H×W bytes. The trainer (through <see cref="ImageDecoder"/>) and the featurizer (on
/// <c>MLImage.Pixels</c>) both call it, so their bytes are equal by construction; the saved ML.NET chain
/// repeats the composite and colour steps in ONNX (<c>PreprocessingNodes</c>) with the same float
/// operations in the same order.
/// </summary>
internal static class ImagePreprocessor
{
    /// <summary>Luma weights (BT.601), applied as ((wr·R + wg·G) + wb·B) in float32, then rounded half to even.</summary>
    public const float LumaRed = 0.299f, LumaGreen = 0.587f, LumaBlue = 0.114f;

    /// <summary>A model input value from a preprocessed byte: byte / 255 in float32 (the same division as the ONNX graph).</summary>
    public static float ToUnit(byte value) => value / 255f;

    /// <summary>Every byte of <paramref name="bytes"/> as a model input value (<see cref="ToUnit(byte)"/>) into the start of <paramref name="target"/>.</summary>
    public static void ToUnit(ReadOnlySpan<byte> bytes, Span<float> target)
    {
        if (target.Length < bytes.Length)
            throw new ArgumentException($"The target holds {target.Length} values; {bytes.Length} are needed.", nameof(target));
        for (int i = 0; i < bytes.Length; i++)
            target[i] = ToUnit(bytes[i]);
    }

    /// <summary>
    /// Preprocesses one image. <paramref name="pixels"/> holds <paramref name="width"/>×<paramref name="height"/>
    /// premultiplied pixels, 4 bytes each, R,G,B,A order or (<paramref name="bgra"/>) B,G,R,A; <paramref name="origin"/>
    /// is the EXIF orientation (applied only when the preprocessing says so). Writes C·H·W bytes, channel-major, to <paramref name="target"/>.
    /// </summary>
    public static void Apply(VaeImagePreprocessing preprocessing, ReadOnlySpan<byte> pixels, int width, int height, bool bgra,
        SKEncodedOrigin origin, int targetHeight, int targetWidth, Span<byte> target)
    {
        if (pixels.Length != checked(4L * width * height))
            throw new ArgumentException($"{pixels.Length} bytes do not hold {width}x{height} pixels of 4 bytes.", nameof(pixels));
        int plane = targetHeight * targetWidth;
        int channels = preprocessing.Channels;
        if (target.Length != channels * plane)
            throw new ArgumentException($"Target of {target.Length} bytes, expected {channels}x{targetHeight}x{targetWidth}.", nameof(target));

        byte[]? oriented = null;
        if (preprocessing.ApplyExifOrientation && origin is not (SKEncodedOrigin.TopLeft or 0))
        {
            oriented = Orient(pixels, width, height, origin, out width, out height);
            pixels = oriented;
        }

        if (width == targetWidth && height == targetHeight)
        {
            // Same size: every resize mode is the identity, and resampling would only blur (Mitchell is not interpolating).
            Finish(preprocessing, pixels, bgra, plane, target);
            return;
        }

        var sourceInfo = new SKImageInfo(width, height, bgra ? SKColorType.Bgra8888 : SKColorType.Rgba8888, SKAlphaType.Premul);
        using var image = SKImage.FromPixelCopy(sourceInfo, pixels)
            ?? throw new InvalidOperationException($"SkiaSharp could not wrap a {width}x{height} image.");
        using var sized = new SKBitmap(new SKImageInfo(targetWidth, targetHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        var (source, destination) = Rectangles(preprocessing.Resize, width, height, targetWidth, targetHeight);
        using (var canvas = new SKCanvas(sized))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawImage(image, source, destination, Sampling(source.Width, source.Height, destination.Width, destination.Height), paint);
            canvas.Flush();
        }
        Finish(preprocessing, sized.GetPixelSpan(), bgra: false, plane, target);
    }

    /// <summary>
    /// The sampling SkiaSharp 2.88's <c>SKFilterQuality.High</c> did (and v1 training used): bilinear from the nearest
    /// mipmap level when shrinking along either axis, Mitchell bicubic when only enlarging. (Bicubic alone, what
    /// SkiaSharp 3 maps High to, aliases when shrinking 2× or more.)
    /// </summary>
    public static SKSamplingOptions Sampling(float sourceWidth, float sourceHeight, float width, float height) =>
        sourceWidth > width || sourceHeight > height
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Nearest)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);

    /// <summary>The source region drawn and where it lands, per resize mode (centred for pad and crop).</summary>
    internal static (SKRect Source, SKRect Destination) Rectangles(VaeResizeMode mode, int width, int height, int targetWidth, int targetHeight)
    {
        var whole = new SKRect(0, 0, width, height);
        var target = new SKRect(0, 0, targetWidth, targetHeight);
        switch (mode)
        {
            case VaeResizeMode.Pad:
            {
                float scale = Math.Min((float)targetWidth / width, (float)targetHeight / height);
                float w = width * scale, h = height * scale;
                float x = (targetWidth - w) / 2, y = (targetHeight - h) / 2;
                return (whole, new SKRect(x, y, x + w, y + h));
            }
            case VaeResizeMode.Crop:
            {
                float scale = Math.Max((float)targetWidth / width, (float)targetHeight / height);
                float w = targetWidth / scale, h = targetHeight / scale;
                float x = (width - w) / 2, y = (height - h) / 2;
                return (new SKRect(x, y, x + w, y + h), target);
            }
            default:
                return (whole, target);
        }
    }

    /// <summary>Composite over the background (rounded to bytes), then luma or R, G, B, channel-major.</summary>
    private static void Finish(VaeImagePreprocessing preprocessing, ReadOnlySpan<byte> rgba, bool bgra, int plane, Span<byte> target)
    {
        var (bgR, bgG, bgB) = preprocessing.BackgroundRgb();
        float kr = bgR / 255f, kg = bgG / 255f, kb = bgB / 255f;
        int ri = bgra ? 2 : 0, bi = bgra ? 0 : 2;
        bool gray = preprocessing.ColorMode == VaeColorMode.Grayscale;
        for (int p = 0; p < plane; p++)
        {
            int o = 4 * p;
            float a = rgba[o + 3];
            float transparency = 255f - a;
            float r = Composite(rgba[o + ri], transparency, kr);
            float g = Composite(rgba[o + 1], transparency, kg);
            float b = Composite(rgba[o + bi], transparency, kb);
            if (gray)
            {
                target[p] = (byte)MathF.Round(LumaRed * r + LumaGreen * g + LumaBlue * b);
            }
            else
            {
                target[p] = (byte)r;
                target[plane + p] = (byte)g;
                target[2 * plane + p] = (byte)b;
            }
        }
    }

    /// <summary>round(premultiplied + (255 − α)·background/255), at most 255; float32, rounded half to even as ONNX's Round.</summary>
    private static float Composite(byte premultiplied, float transparency, float backgroundUnit) =>
        MathF.Min(MathF.Round(premultiplied + transparency * backgroundUnit), 255f);

    /// <summary>
    /// Turns the stored pixels upright by the EXIF orientation (a lossless remap of whole pixels); the result is
    /// width×height swapped for the four transposing orientations.
    /// </summary>
    internal static byte[] Orient(ReadOnlySpan<byte> pixels, int width, int height, SKEncodedOrigin origin, out int orientedWidth, out int orientedHeight)
    {
        bool transposed = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        (orientedWidth, orientedHeight) = transposed ? (height, width) : (width, height);
        var source = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(pixels);
        var result = new byte[pixels.Length];
        var destination = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, uint>(result.AsSpan());
        for (int y = 0; y < orientedHeight; y++)
        for (int x = 0; x < orientedWidth; x++)
        {
            // (sx, sy): the stored pixel shown at (x, y).
            var (sx, sy) = origin switch
            {
                SKEncodedOrigin.TopRight => (width - 1 - x, y),
                SKEncodedOrigin.BottomRight => (width - 1 - x, height - 1 - y),
                SKEncodedOrigin.BottomLeft => (x, height - 1 - y),
                SKEncodedOrigin.LeftTop => (y, x),
                SKEncodedOrigin.RightTop => (y, height - 1 - x),
                SKEncodedOrigin.RightBottom => (width - 1 - y, height - 1 - x),
                SKEncodedOrigin.LeftBottom => (width - 1 - y, x),
                _ => (x, y),
            };
            destination[y * orientedWidth + x] = source[sy * width + sx];
        }
        return result;
    }
}
