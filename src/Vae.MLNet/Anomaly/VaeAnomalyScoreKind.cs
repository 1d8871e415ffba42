namespace Vae.MLNet;

/// <summary>
/// What the VAE anomaly detector scores; larger is always more anomalous. Every kind is computed from the
/// VAE's outputs for one image and, where it needs statistics, from the data given to <c>Fit</c>.
/// </summary>
public enum VaeAnomalyScoreKind
{
    /// <summary>
    /// The reconstruction error −log p(x|x̂) under the trained likelihood (the model's
    /// <c>reconstruction_error</c>). Use it when anomalies differ from normal images in pixel content the
    /// decoder cannot reproduce (defects, corruptions, unseen textures); it needs no fitted statistics and
    /// the model's stored training quantiles give a threshold without any fitting data. Under a Bernoulli
    /// likelihood it is biased by image complexity (a gray pixel costs its entropy even when reconstructed
    /// exactly), so plain anomalies look normal and textured normal images look anomalous; prefer
    /// <see cref="ReconstructionDivergence"/> unless you need the fitting-free threshold.
    /// </summary>
    ReconstructionError,

    /// <summary>
    /// The reconstruction divergence: the error minus the error a perfect reconstruction of the same image
    /// would have (Σ KL(Bern(x) ‖ Bern(x̂)) for Bernoulli, ½ Σ (x − x̂)²/σ² for Gaussian). Use it instead of
    /// <see cref="ReconstructionError"/> whenever images differ in how many gray pixels they have: the raw
    /// Bernoulli error grows with pixel entropy, so textured but normal images look anomalous and plain
    /// anomalies look normal. Needs no fitted statistics.
    /// </summary>
    ReconstructionDivergence,

    /// <summary>
    /// The negative ELBO: reconstruction error + KL(q(z|x) ‖ N(0, I)), an upper bound of −log p(x). Use it
    /// when anomalies may also be images the encoder maps far from the prior (unusual codes) while still
    /// reconstructing well; it shares the complexity bias of <see cref="ReconstructionError"/>.
    /// </summary>
    NegativeElbo,

    /// <summary>
    /// Squared Mahalanobis distance of μ to the Gaussian fitted on the μ of the fitting data (mean and a
    /// covariance shrunk toward its average variance, computed in <c>Fit</c>). Use it for semantic
    /// (one-class, novelty) detection where the anomalies are other kinds of objects: it ignores pixel
    /// detail and asks whether the code is typical of the training class. Needs clean fitting data.
    /// </summary>
    Mahalanobis,

    /// <summary>
    /// z(log reconstruction divergence) + z(log d²), where d² is the squared Mahalanobis distance of the
    /// code (μ, log σ²) to the Gaussian fitted on the codes of the fitting data and z(·) standardises by the
    /// fitting data's mean and standard deviation. Both evidences land on one scale; including log σ² lets
    /// the encoder's uncertainty count (unfamiliar images get unusual posterior widths). Use it for
    /// one-class / novelty detection when you do not know which kind of anomaly to expect and want both
    /// pixel and latent evidence. Needs clean fitting data with positive divergences.
    /// </summary>
    Combined,

    /// <summary>
    /// The mean squared distance of the code (μ, log σ²) to its <see cref="VaeAnomalyDetectorOptions.NeighborCount"/>
    /// nearest codes of the fitting data, after whitening all codes by their shrunk covariance (a
    /// Mahalanobis k-nearest-neighbour distance). Where <see cref="Mahalanobis"/> and <see cref="Combined"/>
    /// fit one Gaussian, this follows normal data whose codes form several clusters (a class of several
    /// shapes); it is the strongest kind on the one-class Fashion-MNIST benchmark (benchmarks/Vae.Benchmarks, <c>--one-class</c>).
    /// Use it for semantic (one-class, novelty) detection with clean fitting data. The fitting codes (up to
    /// <see cref="VaeAnomalyDetectorOptions.MaxNeighborReferences"/>) are stored in the model, and the
    /// threshold is calibrated on leave-one-out scores of the fitting rows (each left out of its own
    /// neighbours), as a new image sees them; scoring the fitting rows themselves gives lower scores.
    /// Works with encoder-only models (no reconstruction needed).
    /// </summary>
    NearestNeighbors,
}
