namespace Vae.MLNet;

/// <summary>
/// The decoder likelihood p(x|z) a VAE was trained with; it defines the reconstruction error
/// −log p(x|x̂) that the ONNX model computes and the anomaly detector scores. Every likelihood but
/// Bernoulli has a scale per image channel c (one value shared by all channels for a v1 Gaussian), stored
/// in the model's metadata; docs/math.md §3 states each formula.
/// </summary>
public enum VaeLikelihood
{
    /// <summary>
    /// Independent Bernoulli pixels; the decoder emits logits l and the error is the binary cross-entropy
    /// Σ softplus(l) − x·l (pixels in [0, 1]). Metadata value <c>bernoulli</c>.
    /// </summary>
    Bernoulli,

    /// <summary>
    /// Independent Gaussian pixels with mean x̂ (the decoder output) and standard deviation σ — one for all
    /// channels (fixed or learned) or one per channel (learned), stored in <c>vae.likelihood.sigma</c>; the
    /// error is Σ ½((x − x̂)/σ_c)² + log σ_c + ½·log 2π. Metadata value <c>gaussian</c>.
    /// </summary>
    Gaussian,

    /// <summary>
    /// Independent Laplace pixels with location x̂ (the decoder output, also the mean) and a learned scale b_c
    /// per channel, stored in <c>vae.likelihood.scale</c>; the error is Σ |x − x̂|/b_c + log(2·b_c).
    /// Metadata value <c>laplace</c>.
    /// </summary>
    Laplace,

    /// <summary>
    /// A discretized logistic over the 256 levels k/255 of an 8-bit pixel: the decoder output is the location
    /// μ, the scale s_c per channel is learned (stored in <c>vae.likelihood.scale</c>), the probability of a
    /// level is the logistic's mass on its bin of width 1/255, and the levels 0 and 1 take the tails below and
    /// above (PixelCNN++'s likelihood with a single logistic). The error is −log P in nats, a true
    /// negative log-probability of the 8-bit image. Metadata value <c>discretized_logistic</c>.
    /// </summary>
    DiscretizedLogistic,
}
