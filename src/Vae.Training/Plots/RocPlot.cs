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
        foreach (var c in curves)
            if (c.FalsePositiveRate.Count != c.TruePositiveRate.Count || c.FalsePositiveRate.Count == 0)
                throw new ArgumentException($"{path}: curve '{c.Name}' has {c.FalsePositiveRate.Count} FPR and {c.TruePositiveRate.Count} TPR values; expected equal, non-zero counts.");

        using var plot = PlotStyle.Model(title, "false positive rate", "true positive rate");
        // Rates every 0.2, 0 and 1 included (a fixed-interval generator lands 0 at 1e-16 and labels it so).
        double[] rates = [0, 0.2, 0.4, 0.6, 0.8, 1];
        string[] rateLabels = rates.Select(r => r.ToString("0.#", CultureInfo.InvariantCulture)).ToArray();
        foreach (var axis in new IAxis[] { plot.Axes.Bottom, plot.Axes.Left })
            axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(rates, rateLabels);
        PlotStyle.LegendInside(plot, Alignment.LowerRight);

        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LegendText = "chance (AUROC 0.5)";
        chance.Color = Colors.Gray;
        chance.LinePattern = LinePattern.Dotted;
        chance.LineWidth = 1.5f;
        chance.MarkerSize = 0;
        for (int i = 0; i < curves.Count; i++)
        {
            var c = curves[i];
            var line = plot.Add.ScatterLine(c.FalsePositiveRate.ToArray(), c.TruePositiveRate.ToArray(), PlotStyle.Series(i));
            line.LegendText = string.Create(CultureInfo.InvariantCulture, $"{c.Name} (AUROC {c.Auc:F3})");
            line.LineWidth = 2;
        }
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        return PlotStyle.Save(plot, path, 640, 600);
    }
}
