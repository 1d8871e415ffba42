namespace Vae.MLNet;

/// <summary>Which outputs <see cref="VaeModel.Run"/> computes; ask only for what you use.</summary>
[Flags]
public enum VaeOutputKinds
{
    /// <summary>Nothing.</summary>
    None = 0,
    /// <summary>μ of q(z|x).</summary>
    Mu = 1,
    /// <summary>log σ² of q(z|x).</summary>
    LogVar = 2,
    /// <summary>σ of q(z|x).</summary>
    Sigma = 4,
    /// <summary>Decoded image for z = μ (contract models only).</summary>
    Reconstruction = 8,
    /// <summary>−log p(x|x̂) (contract models only).</summary>
    ReconstructionError = 16,
    /// <summary>KL(q(z|x) ‖ N(0, I)).</summary>
    Kl = 32,
    /// <summary>
    /// The reconstruction error minus the error of a perfect reconstruction (contract models only):
    /// Σ KL(Bern(x) ‖ Bern(x̂)) for Bernoulli, ½ Σ (x − x̂)²/σ² for Gaussian. Zero when x̂ = x, and unlike
    /// the error not inflated by images with many gray pixels; the better anomaly evidence.
    /// </summary>
    ReconstructionDivergence = 64,
    /// <summary>μ, log σ², σ.</summary>
    Latent = Mu | LogVar | Sigma,
    /// <summary>
    /// Every output the ONNX model computes. <see cref="ReconstructionDivergence"/> is derived from the
    /// likelihood metadata, which a model may lack, so it is asked for explicitly.
    /// </summary>
    All = Latent | Reconstruction | ReconstructionError | Kl,
}
