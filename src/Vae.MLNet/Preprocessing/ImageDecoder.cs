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
    /// <summary>
    /// A decoded image: <see cref="Pixels"/> holds Width·Height·4 bytes in native memory (the bitmap's own), so
    /// decoding a folder leaves no large managed garbage behind (a 512×512 copy per file kept a 1.2 GB byte store's
    /// process at 3.5 GB). Dispose it when done.
    /// </summary>
    internal sealed class Decoded(SKBitmap bitmap, SKEncodedOrigin origin) : IDisposable
    {
        public ReadOnlySpan<byte> Pixels => bitmap.GetPixelSpan();
        public int Width => bitmap.Width;
        public int Height => bitmap.Height;
        public bool Bgra => bitmap.ColorType == SKColorType.Bgra8888;
        public SKEncodedOrigin Origin => origin;
        public void Dispose() => bitmap.Dispose();
    }

    /// <summary>The largest image decoded, in pixels (width·height), so a hostile header cannot ask for gigabytes.</summary>
    public const long DefaultMaxPixels = 64L * 1024 * 1024;

    /// <summary>Decodes <paramref name="encoded"/>; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not a decodable image, truncated, or larger than <paramref name="maxPixels"/>.</exception>
    public static Decoded Decode(byte[] encoded, string source, long maxPixels = DefaultMaxPixels)
    {
        using var data = SKData.CreateCopy(encoded);
        return Decode(data, encoded.Length, source, maxPixels);
    }

    /// <summary>Decodes the image file at <paramref name="path"/>, read by SkiaSharp into native memory; see <see cref="Decode(byte[], string, long)"/>.</summary>
    public static Decoded DecodeFile(string path, long maxPixels = DefaultMaxPixels)
    {
        using var data = SKData.Create(path)
            ?? throw new InvalidDataException($"{path}: cannot be read.");
        return Decode(data, data.Size, path, maxPixels);
    }

    private static Decoded Decode(SKData data, long length, string source, long maxPixels)
    {
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"{source}: not a decodable image (SkiaSharp reads PNG, JPEG, BMP, GIF, WebP; {length} bytes).");
        var info = codec.Info;
        if ((long)info.Width * info.Height > maxPixels)
            throw new InvalidDataException($"{source}: the image is {info.Width}x{info.Height}, more than the limit of {maxPixels:N0} pixels.");
        if (info.AlphaType == SKAlphaType.Unpremul)
            info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        var bitmap = new SKBitmap(info);
        try
        {
            var result = codec.GetPixels(info, bitmap.GetPixels());
            if (result == SKCodecResult.IncompleteInput)
                throw new InvalidDataException($"{source}: the image data ends early (a truncated {codec.EncodedFormat} file); its missing part would be filled with black.");
            if (result != SKCodecResult.Success)
                throw new InvalidDataException($"{source}: the {codec.EncodedFormat} image could not be decoded ({result}).");
            if (bitmap.ColorType is not (SKColorType.Rgba8888 or SKColorType.Bgra8888))
            {
                var copy = bitmap.Copy(SKColorType.Bgra8888)
                    ?? throw new InvalidDataException($"{source}: the {codec.EncodedFormat} image's colour type {bitmap.ColorType} cannot be converted to 8-bit BGRA.");
                bitmap.Dispose();
                bitmap = copy;
            }
            return new Decoded(bitmap, codec.EncodedOrigin);
        }
        catch
        {
            bitmap.Dispose();
            throw;
        }
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
