namespace Vae.MLNet;

/// <summary>
/// The decoder likelihood p(x|z) a VAE was trained with; it defines the reconstruction error
/// −log p(x|x̂) that the ONNX model computes and the anomaly detector scores.
/// </summary>
public enum VaeLikelihood
{
    /// <summary>
    /// Independent Bernoulli pixels; the decoder emits logits l and the error is the binary cross-entropy
    /// Σ softplus(l) − x·l (pixels in [0, 1]). Metadata value <c>bernoulli</c>.
    /// </summary>
    Bernoulli,

    /// <summary>
    /// Independent Gaussian pixels with mean x̂ (the decoder output) and one standard deviation σ
    /// (fixed or learned, stored in <c>vae.likelihood.sigma</c>); the error is
    /// Σ ½((x − x̂)/σ)² + log σ + ½·log 2π. Metadata value <c>gaussian</c>.
    /// </summary>
    Gaussian,
}
