using System.Globalization;
using Vae.Training.Data;
using Vae.Training.Export;
using Vae.Training.Plots;
using Vae.Training;

namespace Vae.Training.Plots;

/// <summary>The figures of a training run, drawn from the metrics and the exported ONNX models.</summary>
public static class TrainingFigures
{
    /// <summary>File names written into the output folder.</summary>
    public const string Loss = "loss.png", Reconstructions = "reconstructions.png", Samples = "samples.png", Interpolation = "interpolation.png";

    /// <summary>Loss terms per epoch (train and validation).</summary>
    public static string WriteLoss(string directory, IReadOnlyList<EpochMetrics> history, int priorComponents = 0, int priorInitEpochs = 1) =>
        LossCurvePlot.Save(Path.Combine(directory, Loss), history.Select(ToLosses).ToList(), klTitle: priorComponents > 0
            ? $"KL(q(z|x) ‖ p(z)), p = {priorComponents}-Gaussian mixture placed after epoch {priorInitEpochs}"
            : LossCurvePlot.StandardKlTitle);

    /// <summary>The per-image loss terms of one epoch as the plot wants them.</summary>
    public static EpochLosses ToLosses(EpochMetrics m) => new(m.Epoch, m.TrainReconstruction, m.TrainKl, m.TrainTotal,
        m.ValidationReconstruction ?? double.NaN, m.ValidationKl ?? double.NaN, m.ValidationTotal ?? double.NaN);

    /// <summary>Originals over their reconstructions, for the first <paramref name="count"/> test images.</summary>
    public static string WriteReconstructions(string directory, string vaeOnnx, ImageSet images, int count = 10)
    {
        using var runner = new OnnxVaeRunner(vaeOnnx, null);
        var shown = images.Take(count);
        var (_, reconstruction) = runner.Encode(shown.CopyPixels(0, shown.Count), shown.Count);
        var originals = Enumerable.Range(0, shown.Count).Select(i => shown.Image(i).ToArray()).ToList();
        return ImageGridPlot.Save(Path.Combine(directory, Reconstructions), "Test images (top) and their reconstructions from μ (bottom)",
            shown.Channels, shown.Height, shown.Width,
            new[] { new ImageGridRow("original", originals), new ImageGridRow("reconstruction", OnnxVaeRunner.Rows(reconstruction, shown.PixelsPerImage)) },
            ColumnLabels(shown), cellPixels: 72);
    }

    /// <summary>
    /// Decoded samples from the model's prior: <paramref name="rows"/> × <paramref name="columns"/> of z ~ N(0, I),
    /// or, for a mixture prior, one row per component (the 20 heaviest) of z ~ N(m_c, v_c).
    /// </summary>
    public static string WriteSamples(string path, string decoderOnnx, int seed, int rows = 4, int columns = 10)
    {
        using var runner = new OnnxVaeRunner(null, decoderOnnx);
        var random = new Random(seed);
        int k = runner.LatentDim;
        if (runner.Prior is { } prior)
            return WriteMixtureSamples(path, runner, prior, random, seed, columns);
        int count = rows * columns;
        var z = new float[count * k];
        for (int i = 0; i < z.Length; i++) z[i] = (float)Gaussian(random);
        var images = OnnxVaeRunner.Rows(runner.Decode(z, count), runner.PixelCount);
        var gridRows = Enumerable.Range(0, rows).Select(r => new ImageGridRow($"samples {r + 1}", images.GetRange(r * columns, columns))).ToList();
        return ImageGridPlot.Save(path, $"Decoded samples, z ~ N(0, I) (seed {seed})", runner.Channels, runner.Height, runner.Width, gridRows);
    }

    private const int MaxComponentRows = 20;

    private static string WriteMixtureSamples(string path, OnnxVaeRunner runner, MixturePriorComponents prior, Random random, int seed, int columns)
    {
        int k = runner.LatentDim;
        var components = Enumerable.Range(0, prior.Weights.Length).OrderByDescending(c => prior.Weights[c]).Take(MaxComponentRows).ToList();
        var z = new float[components.Count * columns * k];
        for (int r = 0; r < components.Count; r++)
            for (int i = 0; i < columns; i++)
                for (int j = 0; j < k; j++)
                    z[(r * columns + i) * k + j] = (float)(prior.Means[components[r]][j] + Math.Sqrt(prior.Variances[components[r]][j]) * Gaussian(random));
        var images = OnnxVaeRunner.Rows(runner.Decode(z, components.Count * columns), runner.PixelCount);
        var gridRows = components.Select((c, r) => new ImageGridRow(
            string.Create(CultureInfo.InvariantCulture, $"component {c} (π {prior.Weights[c]:0.000})"), images.GetRange(r * columns, columns))).ToList();
        return ImageGridPlot.Save(path, $"Decoded samples of each mixture-prior component, z ~ N(m_c, v_c) (seed {seed})",
            runner.Channels, runner.Height, runner.Width, gridRows);
    }

    /// <summary>
    /// Linear interpolations between the μ of pairs of images (one row per pair), decoded; the ends are the
    /// reconstructions of the two images.
    /// </summary>
    public static string WriteInterpolation(string path, string vaeOnnx, string decoderOnnx, ImageSet images, IReadOnlyList<(int From, int To)> pairs, int steps = 10)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 2);
        using var runner = new OnnxVaeRunner(vaeOnnx, decoderOnnx);
        var rows = new List<ImageGridRow>();
        foreach (var (from, to) in pairs)
        {
            foreach (int index in new[] { from, to })
                if (index < 0 || index >= images.Count)
                    throw new ArgumentException($"{images.Source}: image index {index} is out of range 0..{images.Count - 1}.");
            var pair = images.Subset(new[] { from, to });
            var (mu, _) = runner.Encode(pair.CopyPixels(0, 2), 2);
            int k = runner.LatentDim;
            var z = new float[steps * k];
            for (int s = 0; s < steps; s++)
            {
                float t = s / (float)(steps - 1);
                for (int j = 0; j < k; j++) z[s * k + j] = (1 - t) * mu[j] + t * mu[k + j];
            }
            rows.Add(new ImageGridRow(RowLabel(images, from, to), OnnxVaeRunner.Rows(runner.Decode(z, steps), runner.PixelCount)));
        }
        var labels = Enumerable.Range(0, steps).Select(s => (s / (double)(steps - 1)).ToString("0.##", CultureInfo.InvariantCulture)).ToList();
        return ImageGridPlot.Save(path, "Decoded linear interpolation between the μ of two images (t = 0 … 1)",
            runner.Channels, runner.Height, runner.Width, rows, labels);
    }

    /// <summary>Pairs of test images of different classes (first image of class a, first of class b), for interpolation rows.</summary>
    public static IReadOnlyList<(int From, int To)> DefaultPairs(ImageSet images, int count = 3)
    {
        if (images.Labels.Length == 0)
            return Enumerable.Range(0, Math.Min(count, images.Count / 2)).Select(i => (2 * i, 2 * i + 1)).ToList();
        var firstOfClass = images.Labels.Select((label, index) => (label, index)).GroupBy(p => p.label).OrderBy(g => g.Key).Select(g => g.First().index).ToList();
        var pairs = new List<(int, int)>();
        for (int i = 0; i + 1 < firstOfClass.Count && pairs.Count < count; i += 2) pairs.Add((firstOfClass[i], firstOfClass[i + 1]));
        if (pairs.Count == 0 && images.Count >= 2) pairs.Add((0, 1));
        return pairs;
    }

    private static string RowLabel(ImageSet images, int from, int to) =>
        images.Labels.Length == 0 ? $"#{from} → #{to}" : $"{ClassName(images, images.Labels[from])} → {ClassName(images, images.Labels[to])}";

    private static string ClassName(ImageSet images, int label) =>
        label >= 0 && label < images.ClassNames.Count ? images.ClassNames[label] : label.ToString(CultureInfo.InvariantCulture);

    private static List<string>? ColumnLabels(ImageSet images) =>
        images.Labels.Length == 0 ? null : images.Labels.Select(l => ClassName(images, l)).ToList();

    // Box–Muller: a standard normal from two uniforms.
    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
