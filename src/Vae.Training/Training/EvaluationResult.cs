namespace Vae.Training;

/// <summary>
/// −ELBO of a VAE on a set of images, in nats per image, split into its two terms, plus latent-space
/// usage: the per-dimension KL and the variance of μ over the set (active units are dimensions with
/// variance &gt; <see cref="VaeEvaluator.ActiveUnitThreshold"/>, Burda et al. 2016).
/// </summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Reconstruction">Mean −log p(x|z) per image (one z ~ q(z|x) per image).</param>
/// <param name="Kl">Mean KL(q(z|x) ‖ N(0, I)) per image.</param>
/// <param name="KlPerDimension">Mean KL per image for each latent dimension.</param>
/// <param name="MuVariance">Variance over the set of each dimension of μ(x).</param>
/// <param name="ActiveUnits">Dimensions with <paramref name="MuVariance"/> above the threshold.</param>
public sealed record EvaluationResult(int Count, double Reconstruction, double Kl, IReadOnlyList<double> KlPerDimension, IReadOnlyList<double> MuVariance, int ActiveUnits)
{
    /// <summary>Mean −ELBO per image: reconstruction + KL.</summary>
    public double Total => Reconstruction + Kl;
}
