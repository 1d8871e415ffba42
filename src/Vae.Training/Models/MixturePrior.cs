using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Vae.Training.Models;

/// <summary>
/// A learned mixture-of-Gaussians prior p(z) = Σ_c π_c N(z; m_c, diag v_c), for latent spaces meant to
/// cluster (the prior of VaDE, Jiang et al. 2017). It starts as K identical N(0, I) components, which is
/// exactly the standard prior, until <see cref="SetComponents"/> spreads them over the data's codes
/// (the trainer does so with k-means on μ after <c>TrainOptions.PriorInitEpochs</c> epochs).
/// </summary>
/// <remarks>
/// The KL term uses a categorical q(c|x) alongside q(z|x): KL(q(z|x) q(c|x) ‖ p(z|c) p(c)) =
/// Σ_c γ_c KL_c + KL(γ ‖ π), with KL_c = KL(N(μ, σ²) ‖ N(m_c, v_c)) in closed form. Its minimum over γ is
/// γ_c ∝ π_c e^(−KL_c), giving KL = −log Σ_c π_c e^(−KL_c): deterministic, closed form, exportable to ONNX,
/// and (by Jensen) an upper bound on KL(q(z|x) ‖ p(z)), so −ELBO stays a bound on −log p(x).
/// With one component at N(0, I) it is the standard KL.
/// </remarks>
public sealed class MixturePrior : nn.Module
{
    // Field names are the parameter names in checkpoints (prior.logits, prior.means, prior.log_variances).
#pragma warning disable IDE1006, SA1306 // snake_case like PyTorch state-dict keys
    private readonly Parameter logits, means, log_variances;
#pragma warning restore IDE1006, SA1306

    /// <summary>Builds K identical N(0, I) components over a k-dimensional latent.</summary>
    public MixturePrior(int components, int latentDim) : base("prior")
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "A mixture prior needs ≥ 1 component.");
        if (latentDim < 1) throw new ArgumentOutOfRangeException(nameof(latentDim), latentDim, "Latent size must be ≥ 1.");
        (Components, LatentDim) = (components, latentDim);
        logits = new Parameter(zeros(components));
        means = new Parameter(zeros(components, latentDim));
        log_variances = new Parameter(zeros(components, latentDim));
        RegisterComponents();
    }

    /// <summary>Number of components K.</summary>
    public int Components { get; }
    /// <summary>Latent size k.</summary>
    public int LatentDim { get; }
    /// <summary>Unnormalised log mixing weights [K]; π = softmax.</summary>
    public Parameter Logits => logits;
    /// <summary>Component means m_c [K, k].</summary>
    public Parameter Means => means;
    /// <summary>Component log variances log v_c [K, k].</summary>
    public Parameter LogVars => log_variances;

    /// <summary>KL(N(μ, σ²) ‖ N(m_c, v_c)) per image, component and dimension, [N, K, k].</summary>
    public Tensor ComponentKlPerDimension(Tensor mu, Tensor logVar)
    {
        using var scope = NewDisposeScope();
        var mu3 = mu.unsqueeze(1);
        var logVar3 = logVar.unsqueeze(1);
        var ratio = (logVar3.exp() + (mu3 - Means).square()) * (-LogVars).exp();
        return scope.MoveToOuter(0.5 * (LogVars - logVar3 + ratio - 1));
    }

    /// <summary>
    /// The KL term per image [N], its γ-weighted split over dimensions [N, k] (Σ_c γ_c KL_cd; the rest of the
    /// KL is the categorical KL(γ ‖ π)), and the responsibilities γ = q(c|x) [N, K].
    /// </summary>
    public (Tensor Kl, Tensor KlPerDimension, Tensor Responsibilities) Kl(Tensor mu, Tensor logVar)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        using var scope = NewDisposeScope();
        var perDimension = ComponentKlPerDimension(mu, logVar);
        var scores = nn.functional.log_softmax(Logits, 0) - perDimension.sum(2);
        var kl = -scores.logsumexp(1);
        var responsibilities = nn.functional.softmax(scores, 1);
        var klPerDimension = (responsibilities.detach().unsqueeze(2) * perDimension).sum(1);
        return scope.MoveToOuter(kl, klPerDimension, responsibilities);
    }

    /// <summary>Overwrites the components: weights π [K] (positive), means [K, k], variances [K, k] (positive).</summary>
    public void SetComponents(Tensor weights, Tensor means, Tensor variances)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        Logits.copy_(weights.clamp_min(1e-6).log());
        Means.copy_(means);
        LogVars.copy_(variances.clamp_min(1e-6).log());
    }
}
