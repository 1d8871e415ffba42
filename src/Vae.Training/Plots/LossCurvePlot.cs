using ScottPlot;
using SkiaSharp;

namespace Vae.Training.Plots;

/// <summary>The loss terms of one epoch, per image (nats); validation values are NaN when there was none.</summary>
public sealed record EpochLosses(int Epoch, double TrainReconstruction, double TrainKl, double TrainTotal,
    double ValidationReconstruction = double.NaN, double ValidationKl = double.NaN, double ValidationTotal = double.NaN);

/// <summary>
/// Loss terms per epoch as two panels side by side: reconstruction and total on the left, KL on the
/// right (KL is typically ten times smaller, and would sit flat on the reconstruction's scale).
/// Solid lines are training, dashed lines validation.
/// </summary>
public static class LossCurvePlot
{
    /// <summary>Writes the figure to <paramref name="path"/> (PNG, atomically); returns the full path.</summary>
    public static string Save(string path, IReadOnlyList<EpochLosses> epochs, string title = "VAE loss terms per epoch")
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0)
            throw new ArgumentException($"{path}: no epochs to plot (expected at least 1).", nameof(epochs));

        double[] x = epochs.Select(e => (double)e.Epoch).ToArray();
        var left = new Plot();
        AddSeries(left, x, epochs.Select(e => e.TrainReconstruction), "reconstruction (train)", PlotStyle.Series(0), LinePattern.Solid);
        AddSeries(left, x, epochs.Select(e => e.ValidationReconstruction), "reconstruction (validation)", PlotStyle.Series(0), LinePattern.Dashed);
        AddSeries(left, x, epochs.Select(e => e.TrainTotal), "total −ELBO (train)", PlotStyle.Series(2), LinePattern.Solid);
        AddSeries(left, x, epochs.Select(e => e.ValidationTotal), "total −ELBO (validation)", PlotStyle.Series(2), LinePattern.Dashed);
        Decorate(left, $"{title}: reconstruction and total", "nats per image");

        var right = new Plot();
        AddSeries(right, x, epochs.Select(e => e.TrainKl), "KL (train)", PlotStyle.Series(1), LinePattern.Solid);
        AddSeries(right, x, epochs.Select(e => e.ValidationKl), "KL (validation)", PlotStyle.Series(1), LinePattern.Dashed);
        Decorate(right, "KL(q(z|x) ‖ N(0, I))", "nats per image");

        const int panelWidth = 640, height = 480;
        using var surface = SKSurface.Create(new SKImageInfo(2 * panelWidth, height));
        surface.Canvas.Clear(SKColors.White);
        // Each panel renders on its own (ScottPlot clears the whole canvas it is given), then both are placed side by side.
        foreach (var (panel, offset) in new[] { (left, 0), (right, panelWidth) })
        {
            using var panelImage = SKImage.FromEncodedData(panel.GetImageBytes(panelWidth, height, ImageFormat.Png));
            surface.Canvas.DrawImage(panelImage, offset, 0);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return PngFile.Write(path, data.ToArray());
    }

    private static void AddSeries(Plot plot, double[] x, IEnumerable<double> values, string label, Color color, LinePattern pattern)
    {
        double[] y = values.ToArray();
        if (y.All(double.IsNaN)) return; // e.g. no validation split
        var line = plot.Add.Scatter(x, y, color);
        line.LegendText = label;
        line.LinePattern = pattern;
        line.LineWidth = 2;
        line.MarkerSize = x.Length <= 30 ? 6 : 0;
    }

    private static void Decorate(Plot plot, string title, string yLabel)
    {
        plot.Title(title, 14);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Bottom);
    }
}
