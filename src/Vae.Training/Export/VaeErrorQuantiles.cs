using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training.Export;

/// <summary>
/// Quantiles of the per-image reconstruction error on the training data, stored in the model
/// (<c>vae.train.error_quantiles</c>) so that anomaly detectors have data-derived default thresholds.
/// </summary>
public static class VaeErrorQuantiles
{
    /// <summary>The probabilities exported by default: 0.5, 0.9, 0.95, 0.99, 0.999.</summary>
    public static IReadOnlyList<double> DefaultProbabilities { get; } = [0.5, 0.9, 0.95, 0.99, 0.999];

    /// <summary>
    /// Runs <paramref name="network"/> (z = μ, no sampling) over <paramref name="images"/> in batches and
    /// returns the quantiles of the reconstruction error, probability → error, using linear interpolation
    /// between order statistics (NumPy's default, "type 7").
    /// </summary>
    /// <remarks>The scale is <paramref name="gaussianSigma"/> or <paramref name="scales"/>, as in <see cref="VaeReconstructionError.PerImage"/>.</remarks>
    public static IReadOnlyDictionary<double, double> Compute(
        VaeNetwork network, ImageSet images, VaeLikelihood likelihood, double? gaussianSigma = null,
        IReadOnlyList<double>? probabilities = null, int batchSize = 256, IReadOnlyList<double>? scales = null)
    {
        float[] errors = PerImageErrors(network, images, likelihood, gaussianSigma, batchSize, scales);
        return Quantiles(errors, probabilities ?? DefaultProbabilities);
    }

    /// <summary>The reconstruction error of every image of <paramref name="images"/>, in order (scales as in <see cref="VaeReconstructionError.PerImage"/>).</summary>
    public static float[] PerImageErrors(VaeNetwork network, ImageSet images, VaeLikelihood likelihood, double? gaussianSigma = null, int batchSize = 256, IReadOnlyList<double>? scales = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var a = network.Architecture;
        if (images.Channels != a.Channels || images.Height != a.Height || images.Width != a.Width)
            throw new ArgumentException(
                $"{images.Source}: images are {images.Channels}x{images.Height}x{images.Width}, the network expects {a.Channels}x{a.Height}x{a.Width}.");
        if (images.Count == 0)
            throw new ArgumentException($"{images.Source}: no images to compute reconstruction errors on.");

        var errors = new float[images.Count];
        using var noGrad = no_grad();
        for (int start = 0; start < images.Count; start += batchSize)
        {
            int count = Math.Min(batchSize, images.Count - start);
            using var scope = NewDisposeScope();
            var pixels = images.CopyPixels(start, count);
            var batch = tensor(pixels, [count, images.Channels, images.Height, images.Width]);
            var (_, _, decoderOutput) = network.forward(batch);
            var batchErrors = VaeReconstructionError.PerImage(decoderOutput, batch, likelihood, gaussianSigma, scales);
            batchErrors.data<float>().CopyTo(errors, start);
        }
        int bad = Array.FindIndex(errors, e => !float.IsFinite(e));
        if (bad >= 0)
            throw new InvalidOperationException($"{images.Source}: image {bad} has reconstruction error {errors[bad]}; the network or the data holds NaN/Inf.");
        return errors;
    }

    /// <summary>Type-7 quantiles of <paramref name="values"/> at each probability in [0, 1].</summary>
    public static IReadOnlyDictionary<double, double> Quantiles(IReadOnlyCollection<float> values, IReadOnlyList<double> probabilities)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(probabilities);
        if (values.Count == 0)
            throw new ArgumentException("Cannot take quantiles of an empty set of errors.", nameof(values));
        double[] sorted = values.Select(v => (double)v).Order().ToArray();
        var result = new SortedDictionary<double, double>();
        foreach (double p in probabilities)
        {
            if (!(p >= 0 && p <= 1))
                throw new ArgumentException($"Quantile probability must be in [0, 1], got {p}.", nameof(probabilities));
            double position = p * (sorted.Length - 1);
            int below = (int)Math.Floor(position);
            int above = Math.Min(below + 1, sorted.Length - 1);
            result[p] = sorted[below] + (position - below) * (sorted[above] - sorted[below]);
        }
        return result;
    }
}
