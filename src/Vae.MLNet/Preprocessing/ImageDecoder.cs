using SkiaSharp;

namespace Vae.MLNet;

/// <summary>
/// Decodes an encoded image (PNG, JPEG, BMP, WebP, GIF: whatever SkiaSharp decodes) to the pixels ML.NET's
/// <c>MLImage.CreateFromFile</c> holds — 8-bit premultiplied, RGBA or BGRA — plus its EXIF orientation, which
/// MLImage drops. Same steps as <c>SKBitmap.Decode</c> and MLImage (alpha made premultiplied, colour space
/// dropped, other colour types copied to BGRA), so training and <c>LoadImages</c> see the same bytes (tested).
/// Unlike them it refuses a truncated file instead of filling the missing rows.
/// </summary>
internal static class ImageDecoder
{
    /// <summary>A decoded image: <see cref="Pixels"/> holds Width·Height·4 bytes.</summary>
    internal sealed record Decoded(byte[] Pixels, int Width, int Height, bool Bgra, SKEncodedOrigin Origin);

    /// <summary>The largest image decoded, in pixels (width·height), so a hostile header cannot ask for gigabytes.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Decodes <paramref name="encoded"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, truncated, or larger than <paramref name="maxPixels"/>.</exception>
    public static Decoded Decode(byte[] encoded, string source, long maxPixels = DefaultMaxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{source}: not a decodable image (SkiaSharp reads PNG, JPEG, BMP, GIF, WebP; {encoded.Length} bytes).");
        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
            throw new InvalidDataException($"{source}: the image is {info.Width}x{info.Height}, more than the limit of {maxPixels:N0} pixels.");
        if (info.AlphaType == SKAlphaType.Unpremul)
            info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result == SKCodecResult.IncompleteInput)
            throw new InvalidDataException($"{source}: the image data ends early (a truncated {codec.EncodedFormat} file); its missing part would be filled with black.");
        if (result != SKCodecResult.Success)
            throw new InvalidDataException($"{source}: the {codec.EncodedFormat} image could not be decoded ({result}).");
        var origin = codec.EncodedOrigin;
        if (bitmap.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888)
            return new Decoded(bitmap.GetPixelSpan().ToArray(), bitmap.Width, bitmap.Height, bitmap.ColorType == SKColorType.Bgra8888, origin);
        using var copy = bitmap.Copy(SKColorType.Bgra8888)
            ?? throw new InvalidDataException($"{source}: the {codec.EncodedFormat} image's colour type {bitmap.ColorType} cannot be converted to 8-bit BGRA.");
        return new Decoded(copy.GetPixelSpan().ToArray(), copy.Width, copy.Height, Bgra: true, origin);
    }

    /// <summary>The EXIF orientation of an image file, read from its header only; TopLeft when it has none or is not an image.</summary>
    public static SKEncodedOrigin OriginOf(string path)
    {
        try
        {
            using var codec = SKCodec.Create(path);
            return codec?.EncodedOrigin ?? SKEncodedOrigin.TopLeft;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return SKEncodedOrigin.TopLeft;
        }
    }
}
