using TorchSharp;
using TorchSharp.Modules;
using Vae.MLNet;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// The negative ELBO of a VAE, term by term: reconstruction −log p(x|z) summed over pixels under a
/// Bernoulli or Gaussian likelihood (the formulas of <see cref="VaeLikelihood"/>), and the closed-form
/// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_i (μ_i² + σ_i² − 1 − log σ_i²). The objective weights KL by β and a
/// warm-up factor, and can apply free bits (Kingma et al. 2016): Σ_i max(λ, mean over the batch of KL_i).
/// With a <see cref="MixturePrior"/> the KL is the mixture's closed-form bound instead (see its remarks).
/// </summary>
public sealed class VaeLoss : IDisposable
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private readonly double _fixedLogSigma;

    /// <summary>Builds the loss; for a Gaussian likelihood <paramref name="gaussianSigma"/> is σ (or its start value when learned).</summary>
    public VaeLoss(VaeLikelihood likelihood, double beta = 1.0, double freeBits = 0.0, double gaussianSigma = 0.1, bool learnGaussianSigma = false, MixturePrior? prior = null)
    {
        if (!Enum.IsDefined(likelihood))
            throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood.");
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be a finite number ≥ 0.");
        if (!(freeBits >= 0) || double.IsInfinity(freeBits))
            throw new ArgumentOutOfRangeException(nameof(freeBits), freeBits, "Free bits λ must be a finite number of nats ≥ 0.");
        if (!(gaussianSigma > 0) || double.IsInfinity(gaussianSigma))
            throw new ArgumentOutOfRangeException(nameof(gaussianSigma), gaussianSigma, "Gaussian σ must be a finite number > 0.");
        if (learnGaussianSigma && likelihood != VaeLikelihood.Gaussian)
            throw new ArgumentException($"A learned σ needs the Gaussian likelihood, got {likelihood}.", nameof(learnGaussianSigma));
        // Free bits floor each dimension's KL to N(0, 1); under a mixture the KL does not split that way.
        if (prior != null && freeBits > 0)
            throw new ArgumentException($"Free bits (λ = {freeBits}) apply to the standard normal prior only; a mixture prior needs free bits 0.", nameof(freeBits));
        Prior = prior;

        (Likelihood, Beta, FreeBits) = (likelihood, beta, freeBits);
        _fixedLogSigma = Math.Log(gaussianSigma);
        if (learnGaussianSigma)
            LogSigma = new Parameter(torch.tensor((float)_fixedLogSigma), requires_grad: true);
    }

    /// <summary>The decoder likelihood.</summary>
    public VaeLikelihood Likelihood { get; }
    /// <summary>KL weight β (before warm-up).</summary>
    public double Beta { get; }
    /// <summary>Free-bits floor λ in nats per latent dimension (0 = off).</summary>
    public double FreeBits { get; }
    /// <summary>The learned mixture prior whose KL this loss uses, or null for N(0, I). Owned by the network, not the loss.</summary>
    public MixturePrior? Prior { get; }
    /// <summary>The learned scalar log σ of the Gaussian likelihood, or null when σ is fixed or the likelihood is Bernoulli.</summary>
    public Parameter? LogSigma { get; }

    /// <summary>Current σ of the Gaussian likelihood (the learned value if learned); NaN for Bernoulli.</summary>
    public double GaussianSigma => Likelihood != VaeLikelihood.Gaussian ? double.NaN
        : LogSigma is null ? Math.Exp(_fixedLogSigma) : Math.Exp(LogSigma.item<float>());

    /// <summary>Parameters the optimiser must update besides the network's (the learned log σ, if any).</summary>
    public IEnumerable<Parameter> Parameters() => LogSigma is null ? Array.Empty<Parameter>() : new[] { LogSigma };

    /// <summary>z = μ + σ·ε with ε ~ N(0, I) drawn from <paramref name="generator"/>, σ = exp(½·log σ²).</summary>
    public static Tensor Reparameterize(Tensor mu, Tensor logVar, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        using var scope = NewDisposeScope();
        var epsilon = torch.randn(mu.shape, mu.dtype, mu.device, generator: generator);
        return scope.MoveToOuter(mu + (0.5 * logVar).exp() * epsilon);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, 1)) per image and dimension, [N, k]: ½(μ² + σ² − 1 − log σ²).</summary>
    public static Tensor KlPerDimension(Tensor mu, Tensor logVar)
    {
        ArgumentNullException.ThrowIfNull(mu);
        ArgumentNullException.ThrowIfNull(logVar);
        using var scope = NewDisposeScope();
        return scope.MoveToOuter(0.5 * (mu.square() + logVar.exp() - 1 - logVar));
    }

    /// <summary>
    /// −log p(x|decoded) per image, summed over pixels, [N]. <paramref name="decoded"/> is the decoder output:
    /// logits for Bernoulli (BCE with logits), the mean x̂ for Gaussian (Σ ½((x − x̂)/σ)² + log σ + ½ log 2π).
    /// </summary>
    public Tensor Reconstruction(Tensor decoded, Tensor images) =>
        ReconstructionPerImage(decoded, images, Likelihood, _fixedLogSigma, LogSigma);

    /// <summary>
    /// −log p(x|decoded) per image, [N] — the formula's one TorchSharp home, for training and for the
    /// exported error's quantiles (<see cref="Export.VaeReconstructionError"/>). Gaussian σ is
    /// exp(<paramref name="learnedLogSigma"/>) when given, else exp(<paramref name="fixedLogSigma"/>).
    /// </summary>
    internal static Tensor ReconstructionPerImage(Tensor decoded, Tensor images, VaeLikelihood likelihood, double fixedLogSigma, Tensor? learnedLogSigma)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        ArgumentNullException.ThrowIfNull(images);
        if (!decoded.shape.SequenceEqual(images.shape))
            throw new ArgumentException($"Decoder output shape [{string.Join(", ", decoded.shape)}] differs from image shape [{string.Join(", ", images.shape)}].", nameof(decoded));
        using var scope = NewDisposeScope();
        Tensor perImage;
        if (likelihood == VaeLikelihood.Bernoulli)
        {
            perImage = nn.functional.binary_cross_entropy_with_logits(decoded, images, reduction: nn.Reduction.None).flatten(1).sum(1);
        }
        else if (likelihood == VaeLikelihood.Gaussian)
        {
            long pixels = images[0].numel();
            var residual = (images - decoded).flatten(1);
            if (learnedLogSigma is null)
            {
                double invSigma = Math.Exp(-fixedLogSigma);
                perImage = 0.5 * (residual * invSigma).square().sum(1) + pixels * (fixedLogSigma + HalfLogTwoPi);
            }
            else
            {
                perImage = 0.5 * (residual * (-learnedLogSigma).exp()).square().sum(1) + pixels * (learnedLogSigma + HalfLogTwoPi);
            }
        }
        else
        {
            throw new ArgumentException($"Unknown likelihood {(int)likelihood}.", nameof(likelihood));
        }
        return scope.MoveToOuter(perImage);
    }

    /// <summary>
    /// All terms for one batch. <paramref name="warmup"/> ∈ [0, 1] multiplies β (see <see cref="KlWarmup"/>).
    /// Objective = mean_n recon_n + β·warmup·K, K = Σ_i max(λ, mean_n KL_ni) with free bits λ &gt; 0, else mean_n KL_n.
    /// </summary>
    public VaeLossTerms Compute(Tensor images, Tensor decoded, Tensor mu, Tensor logVar, double warmup = 1.0)
    {
        if (!(warmup >= 0 && warmup <= 1))
            throw new ArgumentOutOfRangeException(nameof(warmup), warmup, "KL warm-up factor must be in [0, 1].");
        using var scope = NewDisposeScope();
        var reconstruction = Reconstruction(decoded, images);
        Tensor kl, klPerDimension;
        if (Prior is null)
        {
            klPerDimension = KlPerDimension(mu, logVar);
            kl = klPerDimension.sum(1);
        }
        else
        {
            (kl, klPerDimension, _) = Prior.Kl(mu, logVar);
        }
        var klTerm = FreeBits > 0 ? klPerDimension.mean([0]).clamp_min(FreeBits).sum() : kl.mean();
        var objective = reconstruction.mean() + (Beta * warmup) * klTerm;
        scope.MoveToOuter(objective, reconstruction, kl, klPerDimension);
        return new VaeLossTerms(objective, reconstruction, kl, klPerDimension);
    }

    /// <summary>Releases the learned σ parameter.</summary>
    public void Dispose() => LogSigma?.Dispose();
}
