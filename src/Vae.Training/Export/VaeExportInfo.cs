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

    /// <summary>
    /// σ of the Gaussian likelihood when it is one σ for every channel (written as the v1 number); null for the
    /// other likelihoods and for a Gaussian with one σ per channel (<see cref="LikelihoodScales"/>).
    /// </summary>
    public double? GaussianSigma { get; init; }

    /// <summary>
    /// The likelihood's scale per image channel: σ_c of a Gaussian learned per channel, b_c of the Laplace, s_c
    /// of the discretized logistic (C values, each finite and &gt; 0); null for Bernoulli and a one-σ Gaussian.
    /// </summary>
    public IReadOnlyList<double>? LikelihoodScales { get; init; }

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
        Export.LikelihoodScales.Resolve(Likelihood, GaussianSigma, LikelihoodScales, LikelihoodScales?.Count ?? 1);
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

    /// <summary>The scales as the formulas take them for a network of <paramref name="channels"/> channels (null for Bernoulli).</summary>
    /// <exception cref="ArgumentException">The scales do not fit the likelihood or the channel count.</exception>
    internal double[]? ScalesFor(int channels) => Export.LikelihoodScales.Resolve(Likelihood, GaussianSigma, LikelihoodScales, channels);

    private static string Format(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "null";
}
