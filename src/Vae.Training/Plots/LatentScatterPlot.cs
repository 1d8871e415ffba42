using ScottPlot;

namespace Vae.Training.Plots;

/// <summary>Points in a 2-D projection of the latent space, one colour and legend entry per class.</summary>
public static class LatentScatterPlot
{
    /// <summary>
    /// Writes the scatter to <paramref name="path"/> (PNG, atomically). <paramref name="labels"/> index
    /// <paramref name="classNames"/>; points whose label is outside the names are drawn as "other".
    /// </summary>
    public static string Save(string path, IReadOnlyList<double> x, IReadOnlyList<double> y, IReadOnlyList<int> labels,
        IReadOnlyList<string> classNames, string title = "Latent means μ, first two principal components",
        string xLabel = "PC 1", string yLabel = "PC 2")
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(classNames);
        if (x.Count != y.Count || x.Count != labels.Count)
            throw new ArgumentException($"{path}: {x.Count} x values, {y.Count} y values and {labels.Count} labels; expected equal counts.");
        if (x.Count == 0)
            throw new ArgumentException($"{path}: no points to plot.", nameof(x));

        using var plot = PlotStyle.Model(title, xLabel, yLabel);
        PlotStyle.LegendOutside(plot, Edge.Right, Alignment.UpperCenter);
        foreach (var group in Enumerable.Range(0, x.Count).GroupBy(i => labels[i] >= 0 && labels[i] < classNames.Count ? labels[i] : -1).OrderBy(g => g.Key))
        {
            var color = group.Key >= 0 ? PlotStyle.Series(group.Key) : Colors.Gray;
            // Slightly transparent, so dense clusters show their overlap.
            var markers = plot.Add.Markers(group.Select(i => x[i]).ToArray(), group.Select(i => y[i]).ToArray(),
                MarkerShape.FilledCircle, 5, color.WithAlpha(190));
            markers.LegendText = group.Key >= 0 ? classNames[group.Key] : "other";
        }
        return PlotStyle.Save(plot, path, 900, 600);
    }
}
