using SkiaSharp;

namespace Vae.Training.Tests.Plots;

/// <summary>Checks a written PNG: decodable, of the expected size, and not blank.</summary>
internal static class PngAssert
{
    public static SKBitmap Valid(string path, int? width = null, int? height = null)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
        var bitmap = SKBitmap.Decode(path);
        Assert.NotNull(bitmap);
        if (width != null) Assert.Equal(width.Value, bitmap.Width);
        if (height != null) Assert.Equal(height.Value, bitmap.Height);
        var colours = new HashSet<SKColor>();
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3)
                colours.Add(bitmap.GetPixel(x, y));
        Assert.True(colours.Count > 20, $"{path} looks blank: only {colours.Count} distinct colours");
        return bitmap;
    }
}
