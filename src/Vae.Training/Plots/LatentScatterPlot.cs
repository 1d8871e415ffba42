using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

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

        var model = PlotStyle.Model(title);
        model.Axes.Add(PlotStyle.Axis(AxisPosition.Bottom, xLabel));
        model.Axes.Add(PlotStyle.Axis(AxisPosition.Left, yLabel));
        model.Legends.Add(PlotStyle.Legend(LegendPosition.RightTop, LegendPlacement.Outside));
        foreach (var group in Enumerable.Range(0, x.Count).GroupBy(i => labels[i] >= 0 && labels[i] < classNames.Count ? labels[i] : -1).OrderBy(g => g.Key))
        {
            var color = group.Key >= 0 ? PlotStyle.Series(group.Key) : OxyColors.Gray;
            var markers = new ScatterSeries
            {
                Title = group.Key >= 0 ? classNames[group.Key] : "other",
                MarkerType = MarkerType.Circle,
                MarkerSize = 2.5,
                // Slightly transparent, so dense clusters show their overlap.
                MarkerFill = OxyColor.FromAColor(190, color),
            };
            markers.Points.AddRange(group.Select(i => new ScatterPoint(x[i], y[i])));
            model.Series.Add(markers);
        }
        return PlotStyle.Save(model, path, 900, 600);
    }
}
