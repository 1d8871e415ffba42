using System.Globalization;
using ScottPlot;

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
        var plot = new Plot();
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dotted;
        chance.Color = Colors.Gray;
        chance.LegendText = "chance (AUROC 0.5)";
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            if (c.FalsePositiveRate.Count != c.TruePositiveRate.Count || c.FalsePositiveRate.Count == 0)
                throw new ArgumentException($"{path}: curve '{c.Name}' has {c.FalsePositiveRate.Count} FPR and {c.TruePositiveRate.Count} TPR values; expected equal, non-zero counts.");
            var line = plot.Add.ScatterLine(c.FalsePositiveRate.ToArray(), c.TruePositiveRate.ToArray(), PlotStyle.Series(i));
            line.LineWidth = 2;
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{c.Name} (AUROC {c.Auc:F3})");
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        plot.Title(title, 14);
        plot.XLabel("false positive rate");
        plot.YLabel("true positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        return PlotStyle.Save(plot, path, 640, 600);
    }
}
