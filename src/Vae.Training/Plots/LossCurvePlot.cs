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
    private const int PanelWidth = 640, PanelHeight = 480;

    /// <summary>The KL panel's title for the standard prior.</summary>
    public const string StandardKlTitle = "KL(q(z|x) ‖ N(0, I))";

    /// <summary>Writes the figure to <paramref name="path"/> (PNG, atomically); returns the full path.</summary>
    public static string Save(string path, IReadOnlyList<EpochLosses> epochs, string title = "VAE loss terms per epoch", string klTitle = StandardKlTitle)
    {
        ArgumentNullException.ThrowIfNull(epochs);
        if (epochs.Count == 0)
            throw new ArgumentException($"{path}: no epochs to plot (expected at least 1).", nameof(epochs));

        using var left = Panel($"{title}: reconstruction and total", epochs);
        AddSeries(left, epochs, e => e.TrainReconstruction, "reconstruction (train)", PlotStyle.Series(0), LinePattern.Solid);
        AddSeries(left, epochs, e => e.ValidationReconstruction, "reconstruction (validation)", PlotStyle.Series(0), LinePattern.Dashed);
        AddSeries(left, epochs, e => e.TrainTotal, "total −ELBO (train)", PlotStyle.Series(2), LinePattern.Solid);
        AddSeries(left, epochs, e => e.ValidationTotal, "total −ELBO (validation)", PlotStyle.Series(2), LinePattern.Dashed);

        using var right = Panel(klTitle, epochs);
        AddSeries(right, epochs, e => e.TrainKl, "KL (train)", PlotStyle.Series(1), LinePattern.Solid);
        AddSeries(right, epochs, e => e.ValidationKl, "KL (validation)", PlotStyle.Series(1), LinePattern.Dashed);

        // Each panel renders to its own image (ScottPlot fills the whole canvas it is given), then both are
        // placed side by side on one canvas.
        using var surface = SKSurface.Create(new SKImageInfo(2 * PanelWidth, PanelHeight));
        surface.Canvas.Clear(SKColors.White);
        foreach (var (panel, offset) in new[] { (left, 0), (right, PanelWidth) })
        {
            using var panelImage = SKImage.FromEncodedData(PlotStyle.Render(panel, PanelWidth, PanelHeight));
            surface.Canvas.DrawImage(panelImage, offset, 0);
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return PngFile.Write(path, data.ToArray());
    }

    private static Plot Panel(string title, IReadOnlyList<EpochLosses> epochs)
    {
        var plot = PlotStyle.Model(title, "epoch", "nats per image");
        // Epochs are whole numbers: no tick at 1.5; a single epoch still gets a visible range.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        if (epochs.Count == 1)
            plot.Axes.SetLimitsX(epochs[0].Epoch - 1, epochs[0].Epoch + 1);
        // Below the axes, train beside its validation.
        PlotStyle.LegendOutside(plot, Edge.Bottom);
        return plot;
    }

    private static void AddSeries(Plot plot, IReadOnlyList<EpochLosses> epochs, Func<EpochLosses, double> value, string label,
        Color color, LinePattern pattern)
    {
        if (epochs.All(e => double.IsNaN(value(e)))) return; // e.g. no validation split
        // NaN breaks the line (an epoch without validation) instead of drawing through it: one line per run of
        // defined values, the first carrying the legend entry.
        bool first = true;
        foreach (var run in DefinedRuns(epochs, value))
        {
            var line = plot.Add.Scatter(run.Select(e => (double)e.Epoch).ToArray(), run.Select(value).ToArray(), color);
            line.LegendText = first ? label : string.Empty;
            line.LinePattern = pattern;
            line.LineWidth = 2;
            // Markers show single epochs (and a one-epoch run at all); on long runs they would clutter.
            line.MarkerShape = MarkerShape.FilledCircle;
            line.MarkerSize = epochs.Count <= 30 ? 6 : 0;
            first = false;
        }
    }

    private static IEnumerable<List<EpochLosses>> DefinedRuns(IReadOnlyList<EpochLosses> epochs, Func<EpochLosses, double> value)
    {
        var run = new List<EpochLosses>();
        foreach (var e in epochs)
        {
            if (!double.IsNaN(value(e)))
            {
                run.Add(e);
                continue;
            }
            if (run.Count > 0) yield return run;
            run = new List<EpochLosses>();
        }
        if (run.Count > 0) yield return run;
    }
}
