using System.Globalization;
using Vae.MLNet;

namespace Vae.Training.Export;

/// <summary>
/// What the ONNX export needs to know beyond the network's weights: the likelihood it was trained with
/// (which defines <c>reconstruction_error</c>), β, and facts about the training data for the metadata.
/// </summary>
public sealed record VaeExportInfo
{
    /// <summary>The decoder likelihood used in training.</summary>
    public required VaeLikelihood Likelihood { get; init; }

    /// <summary>σ of the Gaussian likelihood; required for <see cref="VaeLikelihood.Gaussian"/>, must be null for Bernoulli.</summary>
    public double? GaussianSigma { get; init; }

    /// <summary>KL weight β used in training.</summary>
    public double Beta { get; init; } = 1.0;

    /// <summary>
    /// How the training images were made from files (metadata <c>vae.preprocessing</c>), e.g.
    /// <see cref="Data.ImageSet.Preprocessing"/>; null = the default preprocessing for the channel count.
    /// </summary>
    public VaeImagePreprocessing? Preprocessing { get; init; }

    /// <summary>Description of the training data (e.g. <see cref="Data.ImageSet.Source"/>).</summary>
    public required string Dataset { get; init; }

    /// <summary>
    /// Quantiles of the per-image reconstruction error on the training data, probability → error
    /// (see <see cref="VaeErrorQuantiles.Compute"/>); anomaly detectors take default thresholds from them.
    /// </summary>
    public required IReadOnlyDictionary<double, double> ErrorQuantiles { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first inconsistent setting.</summary>
    public VaeExportInfo Validated()
    {
        if (!Enum.IsDefined(Likelihood))
            throw new ArgumentException($"Unknown likelihood {(int)Likelihood}; expected Bernoulli or Gaussian.");
        if (Likelihood == VaeLikelihood.Gaussian && GaussianSigma is not (> 0 and < double.PositiveInfinity))
            throw new ArgumentException($"A Gaussian likelihood needs a finite sigma > 0, got {Format(GaussianSigma)}.");
        if (Likelihood == VaeLikelihood.Bernoulli && GaussianSigma != null)
            throw new ArgumentException($"A Bernoulli likelihood has no sigma, but GaussianSigma = {Format(GaussianSigma)} was given.");
        if (!double.IsFinite(Beta) || Beta < 0)
            throw new ArgumentException($"Beta must be finite and ≥ 0, got {Format(Beta)}.");
        if (string.IsNullOrWhiteSpace(Dataset))
            throw new ArgumentException("Dataset description is empty.");
        if (ErrorQuantiles is null || ErrorQuantiles.Count == 0)
            throw new ArgumentException("ErrorQuantiles is empty; compute them with VaeErrorQuantiles.Compute on the training data.");
        foreach (var (p, value) in ErrorQuantiles)
        {
            if (!(p >= 0 && p <= 1))
                throw new ArgumentException($"Error quantile probability must be in [0, 1], got {Format(p)}.");
            if (!double.IsFinite(value))
                throw new ArgumentException($"Error quantile {Format(p)} is {Format(value)}; expected a finite number.");
        }
        return this;
    }

    private static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
