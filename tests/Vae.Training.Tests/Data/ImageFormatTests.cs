using Microsoft.ML.Data;
using SkiaSharp;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Tests.Support;

namespace Vae.Training.Tests.Data;

/// <summary>
/// Every image kind the loader reads, from a small generated file: the decoded pixels (8-bit premultiplied, as
/// ML.NET's MLImage holds them) are the ones written, and byte-identical to <c>MLImage.CreateFromFile</c>'s — what makes
/// training and <c>LoadImages</c> agree.
/// </summary>
public sealed class ImageFormatTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vae-formats-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    public static TheoryData<string> Kinds() =>
        new("png-rgb", "png-rgba", "png-gray", "png-gray-alpha", "png-palette-trns", "png-rgb16", "jpeg-rgb", "jpeg-gray", "jpeg-cmyk", "bmp", "webp", "gif");

    /// <summary>Writes a file of the kind; returns its path, the expected premultiplied RGBA pixels (straight order) and the tolerance.</summary>
    private (string Path, byte[] Rgba, int Width, int Height, int Tolerance) Write(string kind)
    {
        const int w = 5, h = 3;
        int[] noise = PngWriter.Noise(w * h * 4, 255, seed: kind.Length);
        byte[] Expected(Func<int, (int R, int G, int B, int A)> pixel) =>
            Enumerable.Range(0, w * h).SelectMany(i => { var (r, g, b, a) = pixel(i); return new[] { (byte)r, (byte)g, (byte)b, (byte)a }; }).ToArray();
        int Alpha(int i) => i % 3 == 0 ? 0 : 255;   // only 0 and 255: premultiplying is exact
        int Keep(int value, int i) => Alpha(i) == 0 ? 0 : value;
        string path = Path.Combine(_root, kind + kind switch { "bmp" => ".bmp", "webp" => ".webp", "gif" => ".gif", var k when k.StartsWith("jpeg", StringComparison.Ordinal) => ".jpg", _ => ".png" });
        switch (kind)
        {
            case "png-rgb":
                PngWriter.Write(path, PngWriter.ColorType.Rgb, w, h, noise[..(w * h * 3)]);
                return (path, Expected(i => (noise[3 * i], noise[3 * i + 1], noise[3 * i + 2], 255)), w, h, 0);
            case "png-rgba":
                PngWriter.Write(path, PngWriter.ColorType.Rgba, w, h, Enumerable.Range(0, w * h * 4).Select(k => k % 4 == 3 ? Alpha(k / 4) : noise[k]).ToArray());
                return (path, Expected(i => (Keep(noise[4 * i], i), Keep(noise[4 * i + 1], i), Keep(noise[4 * i + 2], i), Alpha(i))), w, h, 0);
            case "png-gray":
                PngWriter.Write(path, PngWriter.ColorType.Gray, w, h, noise[..(w * h)]);
                return (path, Expected(i => (noise[i], noise[i], noise[i], 255)), w, h, 0);
            case "png-gray-alpha":
                PngWriter.Write(path, PngWriter.ColorType.GrayAlpha, w, h, Enumerable.Range(0, w * h * 2).Select(k => k % 2 == 1 ? Alpha(k / 2) : noise[k]).ToArray());
                return (path, Expected(i => (Keep(noise[2 * i], i), Keep(noise[2 * i], i), Keep(noise[2 * i], i), Alpha(i))), w, h, 0);
            case "png-palette-trns":
            {
                (byte, byte, byte)[] palette = [(200, 10, 30), (0, 120, 250), (90, 90, 0), (255, 255, 255)];
                byte[] alpha = [255, 0, 255]; // entry 3 has no tRNS value: opaque
                int[] index = Enumerable.Range(0, w * h).Select(i => noise[i] % 4).ToArray();
                PngWriter.Write(path, PngWriter.ColorType.Palette, w, h, index, palette: palette, paletteAlpha: alpha);
                return (path, Expected(i =>
                {
                    var (r, g, b) = palette[index[i]];
                    return index[i] == 1 ? (0, 0, 0, 0) : (r, g, b, 255);
                }), w, h, 0);
            }
            case "png-rgb16":
                // v·257 is exactly v in 8 bits, whether the decoder shifts or rounds.
                PngWriter.Write(path, PngWriter.ColorType.Rgb, w, h, noise[..(w * h * 3)].Select(v => v * 257).ToArray(), bitDepth: 16);
                return (path, Expected(i => (noise[3 * i], noise[3 * i + 1], noise[3 * i + 2], 255)), w, h, 0);
            case "jpeg-rgb":
            {
                // Flat colour (JPEG is lossy; flat 8×8 blocks come back within a few levels).
                using var bitmap = new SKBitmap(16, 8);
                bitmap.Erase(new SKColor(200, 60, 30));
                File.WriteAllBytes(path, Encode(bitmap, SKEncodedImageFormat.Jpeg));
                return (path, Enumerable.Repeat(new byte[] { 200, 60, 30, 255 }, 16 * 8).SelectMany(p => p).ToArray(), 16, 8, 4);
            }
            case "jpeg-gray":
            {
                using var bitmap = new SKBitmap(new SKImageInfo(16, 8, SKColorType.Gray8, SKAlphaType.Opaque));
                bitmap.Erase(new SKColor(77, 77, 77));
                File.WriteAllBytes(path, Encode(bitmap, SKEncodedImageFormat.Jpeg));
                return (path, Enumerable.Repeat(new byte[] { 77, 77, 77, 255 }, 16 * 8).SelectMany(p => p).ToArray(), 16, 8, 2);
            }
            case "jpeg-cmyk":
                // Stored inverted as Adobe writes it: red = C 0 %, M 100 %, Y 100 %, K 0 % → stored (255, 0, 0, 255); blue = (0, 0, 255, 255).
                File.WriteAllBytes(path, ImageFileWriters.AdobeCmykJpeg([(255, 0, 0, 255), (0, 0, 255, 255)]));
                return (path, Enumerable.Range(0, 16 * 8).SelectMany(i => i % 16 < 8 ? new byte[] { 255, 0, 0, 255 } : new byte[] { 0, 0, 255, 255 }).ToArray(), 16, 8, 8);
            case "bmp":
                File.WriteAllBytes(path, ImageFileWriters.Bmp24(w, h, noise[..(w * h * 3)].Select(v => (byte)v).ToArray()));
                return (path, Expected(i => (noise[3 * i], noise[3 * i + 1], noise[3 * i + 2], 255)), w, h, 0);
            case "webp":
            {
                using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
                for (int i = 0; i < w * h; i++)
                    bitmap.SetPixel(i % w, i / w, new SKColor((byte)noise[4 * i], (byte)noise[4 * i + 1], (byte)noise[4 * i + 2], (byte)Alpha(i)));
                using var pixmap = bitmap.PeekPixels()!;
                using var data = pixmap.Encode(new SKWebpEncoderOptions(SKWebpEncoderCompression.Lossless, 100))!;
                File.WriteAllBytes(path, data.ToArray());
                return (path, Expected(i => (Keep(noise[4 * i], i), Keep(noise[4 * i + 1], i), Keep(noise[4 * i + 2], i), Alpha(i))), w, h, 0);
            }
            case "gif":
            {
                (byte, byte, byte)[] palette = [(250, 0, 0), (0, 250, 0), (0, 0, 250), (20, 30, 40)];
                byte[] index = Enumerable.Range(0, w * h).Select(i => (byte)(noise[i] % 4)).ToArray();
                File.WriteAllBytes(path, ImageFileWriters.Gif(w, h, palette, index, transparent: 3));
                return (path, Expected(i =>
                {
                    var (r, g, b) = palette[index[i]];
                    return index[i] == 3 ? (0, 0, 0, 0) : (r, g, b, 255);
                }), w, h, 0);
            }
            default:
                throw new ArgumentException(kind);
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Each_kind_decodes_to_the_pixels_written(string kind)
    {
        var (path, expected, width, height, tolerance) = Write(kind);
        using var decoded = ImageDecoder.Decode(File.ReadAllBytes(path), path);
        Assert.Equal((width, height), (decoded.Width, decoded.Height));
        byte[] rgba = Rgba(decoded.Pixels.ToArray(), decoded.Bgra);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(rgba[i] - expected[i]) <= tolerance,
                $"{kind}: pixel {i / 4} channel {"RGBA"[i % 4]} is {rgba[i]}, expected {expected[i]} ± {tolerance}");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_decoder_gives_the_bytes_MLImage_holds(string kind)
    {
        var (path, _, _, _, _) = Write(kind);
        using var decoded = ImageDecoder.DecodeFile(path);
        using var image = MLImage.CreateFromFile(path);
        Assert.Equal((image.Width, image.Height), (decoded.Width, decoded.Height));
        Assert.Equal(image.PixelFormat == MLPixelFormat.Bgra32, decoded.Bgra);
        Assert.Equal(image.Pixels.ToArray(), decoded.Pixels.ToArray());
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_loader_reads_each_kind_by_its_extension(string kind)
    {
        var (path, expected, width, height, tolerance) = Write(kind);
        var set = ImageFolderLoader.Load(_root, height, width, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb, Background = "#000000" });
        int index = Directory.GetFiles(_root).Order(StringComparer.Ordinal).ToList().IndexOf(path);
        Assert.Equal(0, index); // one file in the folder
        var pixels = set.Image(0);
        int plane = width * height;
        for (int p = 0; p < plane; p++)
            for (int c = 0; c < 3; c++) // over black, premultiplied colour is the result
                Assert.True(Math.Abs(pixels[c * plane + p] * 255f - expected[4 * p + c]) <= tolerance + 0.01f, $"{kind}: pixel {p} channel {c}");
    }

    [Theory]
    [InlineData("png-rgb")]
    [InlineData("jpeg-rgb")]
    public void A_truncated_file_is_an_error_naming_it_or_is_skipped_and_counted(string kind)
    {
        var (path, _, width, height, _) = Write(kind);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length * 2 / 3)]);
        File.WriteAllBytes(Path.Combine(_root, "zz_good.png"), whole.Length > 0 ? Encode(Solid(width, height), SKEncodedImageFormat.Png) : []);

        var error = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Load(_root, height, width));
        Assert.Contains(path, error.Message);

        var result = ImageFolderLoader.Read(_root, height, width, new ImageFolderOptions { SkipBadImages = true });
        Assert.Equal(1, result.Images.Count);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal((path, ImageSkipReason.BadImage), (skipped.Path, skipped.Reason));
        Assert.Contains("1 bad image", result.Summary());
    }

    [Fact]
    public void An_image_above_the_pixel_limit_is_refused_before_decoding()
    {
        var (path, _, width, height, _) = Write("png-rgb");
        var error = Assert.Throws<InvalidDataException>(() =>
            ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { MaxPixels = width * height - 1 }));
        Assert.Contains(path, error.Message);
        Assert.Contains("limit", error.Message);
        Assert.Equal(1, ImageFolderLoader.Read(_root, 2, 2, new ImageFolderOptions { MaxPixels = width * height }).Images.Count);
    }

    internal static byte[] Rgba(byte[] pixels, bool bgra)
    {
        var rgba = (byte[])pixels.Clone();
        if (bgra)
            for (int i = 0; i < rgba.Length; i += 4)
                (rgba[i], rgba[i + 2]) = (rgba[i + 2], rgba[i]);
        return rgba;
    }

    private static SKBitmap Solid(int width, int height)
    {
        var bitmap = new SKBitmap(width, height);
        bitmap.Erase(SKColors.Gray);
        return bitmap;
    }

    internal static byte[] Encode(SKBitmap bitmap, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 100);
        return data.ToArray();
    }
}
