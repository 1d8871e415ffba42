using SkiaSharp;
using Vae.Training.Plots;

namespace Vae.Training.Tests.Plots;

public sealed class PlotTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-plots-").FullName;

    // Set VAE_KEEP_TEST_OUTPUT=1 to keep the PNGs for a look.
    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("VAE_KEEP_TEST_OUTPUT") != "1") Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Loss_curves_have_two_panels_of_the_expected_size()
    {
        var epochs = Enumerable.Range(1, 5).Select(e => new EpochLosses(e, 300.0 / e, 5 + e, 300.0 / e + 5 + e, 310.0 / e, 6 + e, 310.0 / e + 6 + e)).ToList();
        using var png = PngAssert.Valid(LossCurvePlot.Save(Path.Combine(_dir, "loss.png"), epochs), 1280, 480);
    }

    [Fact]
    public void Loss_curves_of_one_epoch_without_validation_are_drawn()
    {
        var epochs = new[] { new EpochLosses(1, 250, 12, 262) };
        using var png = PngAssert.Valid(LossCurvePlot.Save(Path.Combine(_dir, "loss1.png"), epochs), 1280, 480);
    }

    [Fact]
    public void Loss_curves_need_an_epoch()
    {
        var e = Assert.Throws<ArgumentException>(() => LossCurvePlot.Save(Path.Combine(_dir, "loss.png"), Array.Empty<EpochLosses>()));
        Assert.Contains("no epochs", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_grid_draws_the_pixels()
    {
        var gradient = Enumerable.Range(0, 28 * 28).Select(i => (i % 28) / 27f).ToArray();
        var black = new float[28 * 28];
        var rows = new[]
        {
            new ImageGridRow("originals", new[] { gradient, black, gradient }),
            new ImageGridRow("reconstructions", new[] { black, gradient, black }),
            new ImageGridRow("error", new[] { gradient, gradient, black }, CellColoring.Heat),
        };
        string path = ImageGridPlot.Save(Path.Combine(_dir, "grid.png"), "test grid", 1, 28, 28, rows, new[] { "a", "b", "c" });
        using var png = PngAssert.Valid(path);
        Assert.True(png.Width >= 3 * 56 && png.Height >= 3 * 56, $"grid too small: {png.Width}x{png.Height}");
    }

    [Fact]
    public void Heat_rows_use_the_error_heatmap_colour_map()
    {
        // Black → red → yellow → white: a third of the row's maximum is pure red (a perceptual map such as
        // Inferno would draw it purple), so the left half of the cell is red.
        var image = new float[28 * 28];
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 14; x++)
                image[y * 28 + x] = 1 / 3f;
        image[^1] = 1f; // the row's maximum
        var rows = new[] { new ImageGridRow("error", new[] { image }, CellColoring.Heat) };
        using var png = PngAssert.Valid(ImageGridPlot.Save(Path.Combine(_dir, "heat.png"), "heat grid", 1, 28, 28, rows));
        int red = png.Pixels.Count(c => c == new SKColor(255, 0, 0));
        // The 56-pixel cell scales 2×: 14×28 image pixels → 28×56; the colour bar may add a row of red or two.
        Assert.InRange(red, 28 * 56, 28 * 56 + 2 * 12);
    }

    [Fact]
    public void Image_grid_draws_rgb_channels_in_order_and_keeps_wide_images_wide()
    {
        const int h = 10, w = 20, plane = h * w;
        // Left half pure red, right half pure blue (planes R, G, B).
        var image = new float[3 * plane];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                image[(x < w / 2 ? 0 : 2 * plane) + y * w + x] = 1f;
        var rows = new[] { new ImageGridRow("rgb", new[] { image, image }) };
        using var png = PngAssert.Valid(ImageGridPlot.Save(Path.Combine(_dir, "rgb.png"), "rgb grid", 3, h, w, rows, cellPixels: 80));
        int red = 0, blue = 0;
        foreach (var colour in png.Pixels)
        {
            if (colour == new SKColor(255, 0, 0)) red++;
            if (colour == new SKColor(0, 0, 255)) blue++;
        }
        // Two cells of 80x40 pixels (the longer side is 80), each half red, half blue, scaled without blending.
        Assert.Equal(2 * 40 * 40, red);
        Assert.Equal(2 * 40 * 40, blue);
    }

    [Fact]
    public void Image_grid_rejects_wrong_image_sizes()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageGridPlot.Save(Path.Combine(_dir, "g.png"), "t", 1, 28, 28,
            new[] { new ImageGridRow("bad", new[] { new float[10] }) }));
        Assert.Contains("1x28x28 = 784", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Latent_scatter_and_roc_are_written()
    {
        var random = new Random(3);
        int n = 300;
        var labels = Enumerable.Range(0, n).Select(i => i % 3).ToArray();
        var x = labels.Select(l => l * 3 + random.NextDouble()).ToArray();
        var y = labels.Select(l => -l + random.NextDouble()).ToArray();
        using (PngAssert.Valid(LatentScatterPlot.Save(Path.Combine(_dir, "latent.png"), x, y, labels, new[] { "a", "b", "c" }), 900, 600)) { }

        var roc = new[]
        {
            new RocSeries("good", new[] { 0, 0.1, 1 }, new[] { 0, 0.8, 1 }, 0.85),
            new RocSeries("poor", new[] { 0, 0.5, 1 }, new[] { 0, 0.55, 1 }, 0.52),
        };
        using (PngAssert.Valid(RocPlot.Save(Path.Combine(_dir, "roc.png"), roc), 640, 600)) { }
    }

    [Fact]
    public void Png_writes_are_atomic_and_refuse_non_png_bytes()
    {
        string path = Path.Combine(_dir, "x.png");
        Assert.Throws<ArgumentException>(() => PngFile.Write(path, new byte[] { 1, 2, 3 }));
        Assert.False(File.Exists(path));
    }
}
