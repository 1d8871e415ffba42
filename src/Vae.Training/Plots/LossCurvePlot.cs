using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;
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

        var left = Panel($"{title}: reconstruction and total", epochs);
        AddSeries(left, epochs, e => e.TrainReconstruction, "reconstruction (train)", PlotStyle.Series(0), LineStyle.Solid);
        AddSeries(left, epochs, e => e.ValidationReconstruction, "reconstruction (validation)", PlotStyle.Series(0), LineStyle.Dash);
        AddSeries(left, epochs, e => e.TrainTotal, "total −ELBO (train)", PlotStyle.Series(2), LineStyle.Solid);
        AddSeries(left, epochs, e => e.ValidationTotal, "total −ELBO (validation)", PlotStyle.Series(2), LineStyle.Dash);

        var right = Panel(klTitle, epochs);
        AddSeries(right, epochs, e => e.TrainKl, "KL (train)", PlotStyle.Series(1), LineStyle.Solid);
        AddSeries(right, epochs, e => e.ValidationKl, "KL (validation)", PlotStyle.Series(1), LineStyle.Dash);

        // Each panel renders to its own image, then both are placed side by side on one canvas.
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

    private static PlotModel Panel(string title, IReadOnlyList<EpochLosses> epochs)
    {
        var model = PlotStyle.Model(title);
        var epochAxis = PlotStyle.Axis(AxisPosition.Bottom, "epoch");
        // Epochs are whole numbers: no tick at 1.5; a single epoch still gets a visible range.
        epochAxis.MinimumMajorStep = 1;
        epochAxis.MinimumMinorStep = 1;
        epochAxis.StringFormat = "0";
        if (epochs.Count == 1)
        {
            epochAxis.Minimum = epochs[0].Epoch - 1;
            epochAxis.Maximum = epochs[0].Epoch + 1;
        }
        model.Axes.Add(epochAxis);
        model.Axes.Add(PlotStyle.Axis(AxisPosition.Left, "nats per image"));
        var legend = PlotStyle.Legend(LegendPosition.BottomCenter, LegendPlacement.Outside);
        legend.LegendOrientation = LegendOrientation.Horizontal;
        legend.LegendBorder = OxyColors.Undefined;
        legend.LegendMaxWidth = 0.75 * PanelWidth; // two entries a row: train beside its validation
        model.Legends.Add(legend);
        return model;
    }

    private static void AddSeries(PlotModel model, IReadOnlyList<EpochLosses> epochs, Func<EpochLosses, double> value, string label,
        OxyColor color, LineStyle style)
    {
        if (epochs.All(e => double.IsNaN(value(e)))) return; // e.g. no validation split
        var line = new LineSeries
        {
            Title = label,
            Color = color,
            LineStyle = style,
            StrokeThickness = 2,
            // Markers show single epochs (and a one-epoch run at all); on long runs they would clutter.
            MarkerType = epochs.Count <= 30 ? MarkerType.Circle : MarkerType.None,
            MarkerSize = 3,
            MarkerFill = color,
        };
        // NaN breaks the line (an epoch without validation) instead of drawing through it.
        line.Points.AddRange(epochs.Select(e => new DataPoint(e.Epoch, value(e))));
        model.Series.Add(line);
    }
}
