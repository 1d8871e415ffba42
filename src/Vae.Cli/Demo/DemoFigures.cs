using System.Globalization;
using Vae.MLNet;
using Vae.Cli;
using Vae.Training.Data;
using Vae.Training.Plots;
using Vae.Training.Export;

namespace Vae.Cli.Demo;

/// <summary>Step 6's figures that are not training figures: latent scatter, ROC curves, anomaly heatmap.</summary>
internal static class DemoFigures
{
    public const string LatentScatter = "latent-pca.png", Roc = "roc.png", AnomalyHeatmap = "anomaly-heatmap.png";

    /// <summary>The first two principal components of μ (test images, ML.NET's PCA), coloured by class.</summary>
    public static string WriteLatentScatter(string directory, float[][] mu, ImageSet test, int maxPoints, int seed)
    {
        int n = Math.Min(maxPoints, mu.Length);
        var projection = LatentProjection.Fit(mu.Take(n).ToArray(), seed);
        string Axis(int c) => string.Create(CultureInfo.InvariantCulture, $"PC {c + 1} ({100 * projection.VarianceShare[c]:F0}% of μ's variance)");
        return LatentScatterPlot.Save(Path.Combine(directory, LatentScatter), projection.X, projection.Y,
            test.Labels.Take(n).ToArray(), test.ClassNames, $"Latent means μ of {n} test images, first two principal components", Axis(0), Axis(1));
    }

    /// <summary>ROC curves of every anomaly detector.</summary>
    public static string WriteRoc(string directory, IReadOnlyList<AnomalyResult> detectors, string anomalyName) =>
        RocPlot.Save(Path.Combine(directory, Roc),
            detectors.Select(d => new RocSeries(d.Detector, d.FalsePositiveRate, d.TruePositiveRate, d.Auroc)).ToList(),
            $"Detecting held-out class '{anomalyName}' in the test images");

    /// <summary>
    /// Test images of the held-out class and of normal classes over their reconstructions and the
    /// per-pixel terms of −log p(x|x̂) (<see cref="ReconstructionErrorMap"/>; brighter = larger, scaled per row).
    /// </summary>
    public static string WriteAnomalyHeatmap(string directory, string vaeModelPath, ImageSet test, int anomalyClass, int perKind = 5)
    {
        var anomalies = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == anomalyClass).Take(perKind);
        var normals = Enumerable.Range(0, test.Count).Where(i => test.Labels[i] != anomalyClass).Take(perKind);
        var shown = test.Subset(anomalies.Concat(normals).ToArray());
        using var model = VaeModel.Load(vaeModelPath);
        var run = model.Run(shown.CopyPixels(0, shown.Count), shown.Count, VaeOutputKinds.Reconstruction | VaeOutputKinds.ReconstructionError);
        var originals = Enumerable.Range(0, shown.Count).Select(i => shown.Image(i).ToArray()).ToList();
        var maps = originals.Select(pixels => ReconstructionErrorMap.Compute(model, pixels).ToArray()).ToList();
        var labels = Enumerable.Range(0, shown.Count).Select(i => string.Create(CultureInfo.InvariantCulture,
            $"{(shown.Labels[i] == anomalyClass ? "anomaly" : "normal")} {run.ReconstructionError![i]:F0}")).ToList();
        return ImageGridPlot.Save(Path.Combine(directory, AnomalyHeatmap),
            $"Held-out '{Name(test, anomalyClass)}' (left) vs normal test images (right); column label = reconstruction error (nats)",
            shown.Channels, shown.Height, shown.Width,
            new[]
            {
                new ImageGridRow("image", originals),
                new ImageGridRow("reconstruction", OnnxVaeRunner.Rows(run.Reconstruction!, shown.PixelsPerImage)),
                new ImageGridRow("pixel error", maps, CellColoring.Heat),
            }, labels, cellPixels: 84);
    }

    public static string Name(ImageSet images, int label) =>
        label >= 0 && label < images.ClassNames.Count ? images.ClassNames[label] : label.ToString(CultureInfo.InvariantCulture);
}
