using SkiaSharp;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Tests.Support;

namespace Vae.Training.Tests.Data;

/// <summary>
/// A SkiaSharp JPEG with an EXIF orientation (1–8) inserted by hand loads upright: the pixels equal the stored ones
/// moved by the orientation's definition (TIFF 6.0 / EXIF 2.3 tag 0x0112), written here as a forward map independent of
/// the library's inverse one; a red and a green corner block land where the definition puts them.
/// </summary>
public sealed class ExifOrientationTests : IDisposable
{
    private const int W = 24, H = 16;
    private readonly string _root = Directory.CreateTempSubdirectory("vae-exif-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Stored 24×16: the top-left 8×8 block red, the top-right one green, the rest grey.</summary>
    internal static byte[] AsymmetricJpeg()
    {
        using var bitmap = new SKBitmap(W, H);
        bitmap.Erase(new SKColor(128, 128, 128));
        for (int y = 0; y < 8; y++)
            for (int x = 0; x < 8; x++)
            {
                bitmap.SetPixel(x, y, new SKColor(255, 0, 0));
                bitmap.SetPixel(W - 1 - x, y, new SKColor(0, 255, 0));
            }
        return ImageFormatTests.Encode(bitmap, SKEncodedImageFormat.Jpeg);
    }

    /// <summary>Where stored pixel (x, y) is shown, per orientation.</summary>
    private static (int X, int Y) Shown(int orientation, int x, int y) => orientation switch
    {
        1 => (x, y),
        2 => (W - 1 - x, y),                 // mirrored left-right
        3 => (W - 1 - x, H - 1 - y),         // rotated 180°
        4 => (x, H - 1 - y),                 // mirrored top-bottom
        5 => (y, x),                         // transposed
        6 => (H - 1 - y, x),                 // rotated 90° clockwise
        7 => (H - 1 - y, W - 1 - x),         // transverse
        8 => (y, W - 1 - x),                 // rotated 90° counter-clockwise
        _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
    };

    [Theory]
    [InlineData(1, "top-left", "top-right")]
    [InlineData(2, "top-right", "top-left")]
    [InlineData(3, "bottom-right", "bottom-left")]
    [InlineData(4, "bottom-left", "bottom-right")]
    [InlineData(5, "top-left", "bottom-left")]
    [InlineData(6, "top-right", "bottom-right")]
    [InlineData(7, "bottom-right", "top-right")]
    [InlineData(8, "bottom-left", "top-left")]
    public void The_loaded_image_is_the_stored_one_turned_by_its_orientation(int orientation, string redCorner, string greenCorner)
    {
        byte[] plain = AsymmetricJpeg();
        string path = Path.Combine(_root, $"o{orientation}.jpg");
        File.WriteAllBytes(path, ImageFileWriters.WithExifOrientation(plain, orientation));
        using var stored = SKBitmap.Decode(plain);
        bool transposed = orientation >= 5;
        int width = transposed ? H : W, height = transposed ? W : H;

        var set = ImageFolderLoader.Load(_root, height, width, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb });

        Assert.Equal(SKEncodedOrigin.TopLeft + orientation - 1, ImageDecoder.OriginOf(path));
        var pixels = set.Image(0).ToArray();
        int plane = width * height;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
            {
                var (sx, sy) = Shown(orientation, x, y);
                var colour = stored.GetPixel(x, y);
                int p = sy * width + sx;
                Assert.Equal(colour.Red / 255f, pixels[p]);
                Assert.Equal(colour.Green / 255f, pixels[plane + p]);
                Assert.Equal(colour.Blue / 255f, pixels[2 * plane + p]);
            }
        Assert.True(pixels[Corner(redCorner, width, height)] > 0.9f, $"orientation {orientation}: red block not at the {redCorner}");
        Assert.True(pixels[plane + Corner(greenCorner, width, height)] > 0.9f, $"orientation {orientation}: green block not at the {greenCorner}");
    }

    [Fact]
    public void Without_EXIF_orientation_the_stored_pixels_are_loaded()
    {
        File.WriteAllBytes(Path.Combine(_root, "o6.jpg"), ImageFileWriters.WithExifOrientation(AsymmetricJpeg(), 6));
        var set = ImageFolderLoader.Load(_root, H, W, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb, ApplyExifOrientation = false });
        Assert.True(set.Image(0)[Corner("top-left", W, H)] > 0.9f); // red stays at the stored top-left
    }

    private static int Corner(string name, int width, int height) => name switch
    {
        "top-left" => width + 1,
        "top-right" => width + width - 2,
        "bottom-left" => (height - 2) * width + 1,
        _ => (height - 2) * width + width - 2,
    };
}
