using System.Globalization;
using SkiaSharp;
using Vae.MLNet;

namespace Vae.Training.Plots;

/// <summary>How a grid row's values become colours.</summary>
public enum CellColoring
{
    /// <summary>Pixels in [0, 1]: grayscale (1 channel) or RGB (3 channels).</summary>
    Pixels,
    /// <summary>Non-negative values (e.g. per-pixel reconstruction error) scaled by the row's maximum onto the heat colour map (black → red → yellow → white).</summary>
    Heat,
}

/// <summary>One labelled row of equally shaped images, each [C, H, W] row-major.</summary>
public sealed record ImageGridRow(string Label, IReadOnlyList<float[]> Images, CellColoring Coloring = CellColoring.Pixels);

/// <summary>
/// A titled grid of images (reconstructions: originals over reconstructions; samples; interpolations;
/// anomaly heatmaps), each row labelled on the left and, optionally, each column at the bottom. Heat rows
/// get a colour bar on the right, from 0 to the row's maximum.
/// </summary>
/// <remarks>
/// Drawn with SkiaSharp directly: a grid of pixel-exact cells with labels needs no axes, and placing
/// every cell ourselves keeps the images undistorted (nearest-neighbour scaling, square pixels).
/// </remarks>
public static class ImageGridPlot
{
    /// <summary>Writes the grid to <paramref name="path"/> (PNG, atomically); returns the full path.</summary>
    public static string Save(string path, string title, int channels, int height, int width, IReadOnlyList<ImageGridRow> rows,
        IReadOnlyList<string>? columnLabels = null, int cellPixels = 56)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (channels is not (1 or 3))
            throw new ArgumentException($"{path}: image grids draw 1 or 3 channels, got {channels}.", nameof(channels));
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"{path}: image size must be positive, got {height}x{width}.", nameof(height));
        if (cellPixels < 8)
            throw new ArgumentOutOfRangeException(nameof(cellPixels), cellPixels, $"{path}: cells must be at least 8 pixels.");
        if (rows.Count == 0 || rows.All(r => r.Images.Count == 0))
            throw new ArgumentException($"{path}: no images to draw.", nameof(rows));
        int pixels = channels * height * width;
        foreach (var row in rows)
            foreach (var image in row.Images)
                if (image.Length != pixels)
                    throw new ArgumentException($"{path}: row '{row.Label}' has an image of {image.Length} values, expected {channels}x{height}x{width} = {pixels}.", nameof(rows));

        var layout = GridLayout.Measure(title, rows, columnLabels, height, width, cellPixels);
        using var surface = SKSurface.Create(new SKImageInfo(layout.FigureWidth, layout.FigureHeight, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        layout.DrawText(canvas);
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            float max = row.Coloring == CellColoring.Heat ? Math.Max(1e-12f, row.Images.Max(i => i.Max())) : 1f;
            for (int c = 0; c < row.Images.Count; c++)
            {
                using var bitmap = ToBitmap(row.Images[c], row.Coloring, max, channels, height, width);
                layout.DrawCell(canvas, r, c, bitmap);
            }
            if (row.Coloring == CellColoring.Heat)
                layout.DrawColorBar(canvas, r, HeatColors, max.ToString("G3", CultureInfo.InvariantCulture));
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return PngFile.Write(path, data.ToArray());
    }

    // The product's colour map (Vae.MLNet's error heatmap), so a figure and a saved heatmap read alike.
    private static readonly SKColor[] HeatColors = Enumerable.Range(0, 256).Select(i => ErrorHeatmap.Hot(i / 255.0))
        .Select(c => new SKColor(ToByte((float)c.R), ToByte((float)c.G), ToByte((float)c.B))).ToArray();

    private static SKBitmap ToBitmap(float[] image, CellColoring coloring, float max, int channels, int height, int width)
    {
        var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        int plane = height * width;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                int at = y * width + x;
                SKColor color;
                if (coloring == CellColoring.Heat)
                    color = HeatColors[(int)Math.Round(Math.Clamp(image[at] / max, 0f, 1f) * (HeatColors.Length - 1))];
                else if (channels == 1)
                    color = new SKColor(ToByte(image[at]), ToByte(image[at]), ToByte(image[at]));
                else
                    color = new SKColor(ToByte(image[at]), ToByte(image[plane + at]), ToByte(image[2 * plane + at]));
                bitmap.SetPixel(x, y, color);
            }
        return bitmap;
    }

    private static byte ToByte(float value) => (byte)Math.Round(Math.Clamp(value, 0f, 1f) * 255f);
}
