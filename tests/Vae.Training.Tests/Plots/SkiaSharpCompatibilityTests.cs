using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using SkiaSharp;
using Vae.Training.Plots;

namespace Vae.Training.Tests.Plots;

/// <summary>
/// Regression: Vae.Training once drew figures with a library that needed SkiaSharp 3 while ML.NET 5's
/// ImageAnalytics was built on SkiaSharp 2.88; the newer SkiaSharp replaced it in every process loading
/// Vae.Training, and <c>MLImage.Pixels</c> then threw <c>MissingMethodException: SKBitmap.GetPixelSpan()</c>.
/// Since ML.NET 6 both sides are on SkiaSharp 3. Plotting and ML.NET's image transforms must work side by
/// side in this (the Vae.Training) test process.
/// </summary>
public sealed class SkiaSharpCompatibilityTests : IDisposable
{
    private const int Width = 6, Height = 4;
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-skia-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class ImageRow
    {
        [ImageType(Height, Width)]
        public MLImage Image { get; set; } = null!;
    }

    [Fact]
    public void The_process_runs_the_SkiaSharp_ML_NET_was_built_against()
    {
        // ImageAnalytics 6.0.0 is built against SkiaSharp 3; another major version here means the break is back.
        var built = typeof(MLImage).Assembly.GetReferencedAssemblies().Single(a => a.Name == "SkiaSharp").Version!;
        var loaded = typeof(SKBitmap).Assembly.GetName().Version!;
        Assert.Equal(built.Major, loaded.Major);
        Assert.True(loaded >= built, $"SkiaSharp {loaded} is loaded; ImageAnalytics was built against {built}.");
    }

    [Fact]
    public void MLImage_pixels_and_image_transforms_work_after_plotting()
    {
        // Draw a figure first, so plotting's SkiaSharp is loaded and used in this process.
        var rows = new[] { new ImageGridRow("row", new[] { Enumerable.Range(0, 28 * 28).Select(i => i % 28 / 27f).ToArray() }) };
        ImageGridPlot.Save(Path.Combine(_dir, "grid.png"), "grid", 1, 28, 28, rows);

        // Gray pixels (R = G = B) stay themselves under any grayscale weights; the red image shows the conversion happened.
        byte[] gray = Bgra(i => ((byte)(i * 10), (byte)(i * 10), (byte)(i * 10)));
        byte[] red = Bgra(_ => (0, 0, 200));
        using var grayImage = MLImage.CreateFromPixels(Width, Height, MLPixelFormat.Bgra32, gray);
        using var redImage = MLImage.CreateFromPixels(Width, Height, MLPixelFormat.Bgra32, red);
        Assert.Equal(gray, grayImage.Pixels.ToArray()); // MLImage.Pixels is what threw MissingMethodException

        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = grayImage }, new ImageRow { Image = redImage } });
        var pipeline = ml.Transforms.ConvertToGrayscale("Gray", nameof(ImageRow.Image))
            .Append(ml.Transforms.ExtractPixels("Features", "Gray", ImagePixelExtractingEstimator.ColorBits.Rgb, interleavePixelColors: true));
        var features = pipeline.Fit(data).Transform(data).GetColumn<VBuffer<float>>("Features").Select(v => v.DenseValues().ToArray()).ToList();

        int plane = Width * Height;
        Assert.Equal(3 * plane, features[0].Length);
        for (int i = 0; i < plane; i++)
            for (int c = 0; c < 3; c++)
                Assert.InRange(features[0][3 * i + c], i * 10 - 1, i * 10 + 1);
        // Red through grayscale: equal channels, strictly between black and the red value.
        for (int i = 0; i < plane; i++)
        {
            Assert.Equal(features[1][3 * i], features[1][3 * i + 1]);
            Assert.Equal(features[1][3 * i], features[1][3 * i + 2]);
            Assert.InRange(features[1][3 * i], 1, 199);
        }
    }

    [Fact]
    public void A_written_figure_loads_as_an_MLImage()
    {
        var rows = new[] { new ImageGridRow("row", new[] { new float[28 * 28], Enumerable.Repeat(1f, 28 * 28).ToArray() }) };
        string path = ImageGridPlot.Save(Path.Combine(_dir, "grid.png"), "figure", 1, 28, 28, rows);
        using var decoded = SKBitmap.Decode(path);
        using var image = MLImage.CreateFromFile(path);
        Assert.Equal((decoded.Width, decoded.Height), (image.Width, image.Height));
        Assert.Equal(4 * image.Width * image.Height, image.Pixels.Length);
        Assert.Contains(image.Pixels.ToArray(), b => b == 0); // the black cell survived the round trip
    }

    // Row-major BGRA bytes, opaque, from (R, G, B) per pixel index.
    private static byte[] Bgra(Func<int, (byte R, byte G, byte B)> color)
    {
        var bytes = new byte[4 * Width * Height];
        for (int i = 0; i < Width * Height; i++)
        {
            var (r, g, b) = color(i);
            (bytes[4 * i], bytes[4 * i + 1], bytes[4 * i + 2], bytes[4 * i + 3]) = (b, g, r, 255);
        }
        return bytes;
    }
}
