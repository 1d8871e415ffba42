using System.Globalization;
using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Vae.Training.Plots;

/// <summary>One ROC curve: false and true positive rates at every threshold, and its area.</summary>
public sealed record RocSeries(string Name, IReadOnlyList<double> FalsePositiveRate, IReadOnlyList<double> TruePositiveRate, double Auc);

/// <summary>Several ROC curves on one set of axes, with the chance diagonal.</summary>
public static class RocPlot
{
    /// <summary>Writes the curves to <paramref name="path"/> (PNG, atomically); the legend shows each AUROC.</summary>
    public static string Save(string path, IReadOnlyList<RocSeries> curves, string title = "ROC curves")
    {
        ArgumentNullException.ThrowIfNull(curves);
        if (curves.Count == 0)
            throw new ArgumentException($"{path}: no ROC curves to plot.", nameof(curves));
        foreach (var c in curves)
            if (c.FalsePositiveRate.Count != c.TruePositiveRate.Count || c.FalsePositiveRate.Count == 0)
                throw new ArgumentException($"{path}: curve '{c.Name}' has {c.FalsePositiveRate.Count} FPR and {c.TruePositiveRate.Count} TPR values; expected equal, non-zero counts.");

        var model = PlotStyle.Model(title);
        model.Axes.Add(RateAxis(AxisPosition.Bottom, "false positive rate"));
        model.Axes.Add(RateAxis(AxisPosition.Left, "true positive rate"));
        model.Legends.Add(PlotStyle.Legend(LegendPosition.BottomRight));

        var chance = new LineSeries { Title = "chance (AUROC 0.5)", Color = OxyColors.Gray, LineStyle = LineStyle.Dot, StrokeThickness = 1.5 };
        chance.Points.AddRange([new DataPoint(0, 0), new DataPoint(1, 1)]);
        model.Series.Add(chance);
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var line = new LineSeries
            {
                Title = string.Create(CultureInfo.InvariantCulture, $"{c.Name} (AUROC {c.Auc:F3})"),
                Color = PlotStyle.Series(i),
                StrokeThickness = 2,
            };
            line.Points.AddRange(Enumerable.Range(0, c.FalsePositiveRate.Count).Select(k => new DataPoint(c.FalsePositiveRate[k], c.TruePositiveRate[k])));
            model.Series.Add(line);
        }
        return PlotStyle.Save(model, path, 640, 600);
    }

    private static LinearAxis RateAxis(AxisPosition position, string title)
    {
        var axis = PlotStyle.Axis(position, title);
        axis.Minimum = -0.01;
        axis.Maximum = 1.01;
        axis.MajorStep = 0.2;
        return axis;
    }
}
