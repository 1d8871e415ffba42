using ScottPlot;
using SkiaSharp;

namespace Vae.Training.Plots;

/// <summary>How a grid row's values become colours.</summary>
public enum CellColoring
{
    /// <summary>Pixels in [0, 1]: grayscale (1 channel) or RGB (3 channels).</summary>
    Pixels,
    /// <summary>Non-negative values (e.g. per-pixel reconstruction error) scaled by the row's maximum onto a heat colormap.</summary>
    Heat,
}

/// <summary>One labelled row of equally shaped images, each [C, H, W] row-major.</summary>
public sealed record ImageGridRow(string Label, IReadOnlyList<float[]> Images, CellColoring Coloring = CellColoring.Pixels);

/// <summary>
/// A titled grid of images (reconstructions: originals over reconstructions; samples; interpolations;
/// anomaly heatmaps), each row labelled on the left and, optionally, each column at the bottom.
/// </summary>
public static class ImageGridPlot
{
    private const int Gap = 2;

    /// <summary>Writes the grid to <paramref name="path"/> (PNG, atomically); returns the full path.</summary>
    public static string Save(string path, string title, int channels, int height, int width, IReadOnlyList<ImageGridRow> rows,
        IReadOnlyList<string>? columnLabels = null, int cellPixels = 56)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (channels is not (1 or 3))
            throw new ArgumentException($"{path}: image grids draw 1 or 3 channels, got {channels}.", nameof(channels));
        if (rows.Count == 0 || rows.All(r => r.Images.Count == 0))
            throw new ArgumentException($"{path}: no images to draw.", nameof(rows));
        int pixels = channels * height * width;
        foreach (var row in rows)
            foreach (var image in row.Images)
                if (image.Length != pixels)
                    throw new ArgumentException($"{path}: row '{row.Label}' has an image of {image.Length} values, expected {channels}x{height}x{width} = {pixels}.", nameof(rows));

        int columns = rows.Max(r => r.Images.Count);
        using var bitmap = Compose(rows, columns, channels, height, width);

        var plot = new Plot();
        var rect = plot.Add.ImageRect(new ScottPlot.Image(bitmap), new CoordinateRect(0, columns, 0, rows.Count));
        rect.AntiAlias = false;
        plot.Axes.SetLimits(0, columns, 0, rows.Count);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows.Count).Select(r => rows.Count - r - 0.5).ToArray(), rows.Select(r => r.Label).ToArray());
        plot.Axes.Bottom.TickGenerator = columnLabels is { Count: > 0 }
            ? new ScottPlot.TickGenerators.NumericManual(Enumerable.Range(0, columnLabels.Count).Select(c => c + 0.5).ToArray(), columnLabels.ToArray())
            : new ScottPlot.TickGenerators.NumericManual();
        plot.Grid.IsVisible = false;
        plot.Title(title, 14);

        int labelWidth = 20 + 8 * rows.Max(r => r.Label.Length);
        int figureWidth = Math.Max(360, columns * cellPixels + labelWidth + 30);
        int figureHeight = rows.Count * cellPixels + 70 + (columnLabels is { Count: > 0 } ? 30 : 10);
        return PlotStyle.Save(plot, path, figureWidth, figureHeight);
    }

    private static SKBitmap Compose(IReadOnlyList<ImageGridRow> rows, int columns, int channels, int height, int width)
    {
        int cellW = width + Gap, cellH = height + Gap;
        var bitmap = new SKBitmap(columns * cellW - Gap, rows.Count * cellH - Gap);
        bitmap.Erase(SKColors.White);
        var heat = new ScottPlot.Colormaps.Inferno();
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            float max = row.Coloring == CellColoring.Heat ? Math.Max(1e-12f, row.Images.Max(i => i.Max())) : 1f;
            for (int c = 0; c < row.Images.Count; c++)
            {
                float[] image = row.Images[c];
                for (int y = 0; y < height; y++)
                    for (int x = 0; x < width; x++)
                    {
                        int at = y * width + x;
                        SKColor color;
                        if (row.Coloring == CellColoring.Heat)
                        {
                            var h = heat.GetColor(Math.Clamp(image[at] / max, 0, 1));
                            color = new SKColor(h.R, h.G, h.B);
                        }
                        else if (channels == 1)
                        {
                            byte v = ToByte(image[at]);
                            color = new SKColor(v, v, v);
                        }
                        else
                        {
                            int plane = height * width;
                            color = new SKColor(ToByte(image[at]), ToByte(image[plane + at]), ToByte(image[2 * plane + at]));
                        }
                        bitmap.SetPixel(c * cellW + x, r * cellH + y, color);
                    }
            }
        }
        return bitmap;
    }

    private static byte ToByte(float value) => (byte)Math.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
