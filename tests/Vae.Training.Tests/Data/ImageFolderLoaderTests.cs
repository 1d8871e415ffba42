using Vae.MLNet;
using SkiaSharp;
using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

public sealed class ImageFolderLoaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("image-folder-tests-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void ClassFoldersBecomeLabelsInOrdinalOrderAndPixelsAreScaled()
    {
        WriteSolid("b_red/one.png", 4, 4, new SKColor(255, 0, 0));
        WriteSolid("b_red/two.png", 4, 4, new SKColor(255, 0, 0));
        WriteSolid("a_gray/one.png", 4, 4, new SKColor(51, 51, 51));
        WriteSolid("C_blue/x.png", 4, 4, new SKColor(0, 0, 255)); // 'C' sorts before 'a' ordinally

        var set = ImageFolderLoader.Load(_root, 4, 4, VaeColorMode.Grayscale);

        Assert.Equal(new[] { "C_blue", "a_gray", "b_red" }, set.ClassNames);
        Assert.Equal(new[] { 0, 1, 2, 2 }, set.Labels);
        Assert.Equal((4, 1, 4, 4), (set.Count, set.Channels, set.Height, set.Width));
        // Luma rounded to bytes: blue round(0.114·255) = 29, red round(0.299·255) = 76.
        Assert.All(set.Image(0).ToArray(), p => Assert.Equal(29 / 255f, p));
        Assert.All(set.Image(1).ToArray(), p => Assert.Equal(51 / 255f, p));
        Assert.All(set.Image(2).ToArray(), p => Assert.Equal(76 / 255f, p));
    }

    [Fact]
    public void RgbModeKeepsChannelsPlaneByPlane()
    {
        WriteSolid("only/a.png", 3, 2, new SKColor(255, 128, 0));
        var set = ImageFolderLoader.Load(_root, 2, 3, VaeColorMode.Rgb);

        Assert.Equal((1, 3, 2, 3), (set.Count, set.Channels, set.Height, set.Width));
        var pixels = set.Image(0).ToArray();
        Assert.All(pixels[..6], p => Assert.Equal(1f, p, 1e-6f));
        Assert.All(pixels[6..12], p => Assert.Equal(128 / 255f, p, 1e-6f));
        Assert.All(pixels[12..], p => Assert.Equal(0f, p, 1e-6f));
    }

    [Fact]
    public void ImagesAreResizedToTheRequestedSize()
    {
        // Left half white, right half black, 16x8 → 4x2: left columns stay white, right columns black.
        string path = Path.Combine(_root, "img", "half.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var bitmap = new SKBitmap(16, 8))
        {
            for (int y = 0; y < 8; y++)
                for (int x = 0; x < 16; x++)
                    bitmap.SetPixel(x, y, x < 8 ? SKColors.White : SKColors.Black);
            Save(bitmap, path, SKEncodedImageFormat.Png);
        }
        WriteSolid("img/big.jpg", 40, 30, new SKColor(200, 200, 200), SKEncodedImageFormat.Jpeg);

        var set = ImageFolderLoader.Load(_root, 2, 4);

        Assert.Equal((2, 1, 2, 4), (set.Count, set.Channels, set.Height, set.Width));
        var big = set.Image(0).ToArray(); // "big.jpg" < "half.png"
        Assert.All(big, p => Assert.Equal(200 / 255f, p, 0.02f)); // JPEG is lossy
        var half = set.Image(1).ToArray();
        for (int y = 0; y < 2; y++)
        {
            Assert.Equal(1f, half[y * 4 + 0], 0.01f);
            Assert.Equal(0f, half[y * 4 + 3], 0.01f);
        }
    }

    [Fact]
    public void ShrinkingAveragesInsteadOfAliasing()
    {
        // One-pixel black/white columns shrunk 3x: averaged (mipmaps, as SkiaSharp 2.88's High filter did), every
        // pixel is mid-grey; bicubic sampling alone would pick single columns and show stripes of about 0.2 and 0.8.
        string path = Path.Combine(_root, "img", "stripes.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var bitmap = new SKBitmap(84, 84))
        {
            for (int y = 0; y < 84; y++)
                for (int x = 0; x < 84; x++)
                    bitmap.SetPixel(x, y, x % 2 == 0 ? SKColors.White : SKColors.Black);
            Save(bitmap, path, SKEncodedImageFormat.Png);
        }

        var pixels = ImageFolderLoader.Load(_root, 28, 28).Image(0).ToArray();

        Assert.All(pixels, p => Assert.InRange(p, 0.4f, 0.6f));
    }

    [Fact]
    public void TransparencyIsCompositedOverWhiteByDefaultOrTheChosenBackground()
    {
        // White at 50 % alpha → white over white, 0.5 grey over black; fully transparent red → the background.
        WriteSolid("a/half.png", 2, 2, new SKColor(255, 255, 255, 128));
        WriteSolid("a/clear.png", 2, 2, new SKColor(255, 0, 0, 0));
        var white = ImageFolderLoader.Load(_root, 2, 2);
        Assert.All(white.Image(0).ToArray(), p => Assert.Equal(1f, p));               // clear.png
        Assert.All(white.Image(1).ToArray(), p => Assert.Equal(1f, p));               // half.png
        var black = ImageFolderLoader.Load(_root, 2, 2, new VaeImagePreprocessing { Background = "#000000" });
        Assert.All(black.Image(0).ToArray(), p => Assert.Equal(0f, p));
        Assert.All(black.Image(1).ToArray(), p => Assert.Equal(128 / 255f, p));
    }

    [Fact]
    public void FolderWithoutClassSubfoldersGivesAnUnlabeledSet()
    {
        WriteSolid("a.png", 2, 2, SKColors.White);
        WriteSolid("b.png", 2, 2, SKColors.Black);
        var set = ImageFolderLoader.Load(_root, 2, 2);
        Assert.Equal(2, set.Count);
        Assert.Empty(set.Labels);
        Assert.Empty(set.ClassNames);
    }

    [Fact]
    public void UndecodableImageIsNamed()
    {
        WriteSolid("cls/good.png", 2, 2, SKColors.White);
        string broken = Path.Combine(_root, "cls", "broken.png");
        File.WriteAllBytes(broken, new byte[] { 0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5 });
        var e = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Load(_root, 2, 2));
        Assert.Contains(broken, e.Message);
    }

    [Fact]
    public void EmptyFolderIsRejected()
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Load(_root, 2, 2));
        Assert.Contains(_root, e.Message);
        Assert.Contains("no images", e.Message);
    }

    [Fact]
    public void ClassFolderWithoutImagesIsRejected()
    {
        WriteSolid("cats/a.png", 2, 2, SKColors.White);
        string empty = Path.Combine(_root, "dogs");
        Directory.CreateDirectory(empty);
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "not an image");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolderLoader.Load(_root, 2, 2));
        Assert.Contains(empty, e.Message);
    }

    [Fact]
    public void MissingFolderAndBadSizeAreRejected()
    {
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolderLoader.Load(Path.Combine(_root, "nope"), 2, 2));
        Assert.Throws<ArgumentException>(() => ImageFolderLoader.Load(_root, 0, 2));
    }

    private void WriteSolid(string relative, int width, int height, SKColor color, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        Save(bitmap, path, format);
    }

    private static void Save(SKBitmap bitmap, string path, SKEncodedImageFormat format)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
