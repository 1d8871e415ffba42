using TorchSharp;
using TorchSharp.Modules;
using Vae.MLNet;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// The negative ELBO of a VAE, term by term: reconstruction −log p(x|z) summed over pixels under one of the
/// likelihoods of <see cref="VaeLikelihood"/> (Bernoulli, Gaussian, Laplace, discretized logistic), and the
/// closed-form KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_i (μ_i² + σ_i² − 1 − log σ_i²). The objective weights KL by β and a
/// warm-up factor, and can apply free bits (Kingma et al. 2016): Σ_i max(λ, mean over the batch of KL_i).
/// With a <see cref="MixturePrior"/> the KL is the mixture's closed-form bound instead (see its remarks).
/// A learned scale (one log σ, or one log σ / log b / log s per image channel) is a parameter of the loss
/// (<see cref="Parameters"/>), trained with the network.
/// </summary>
public sealed class VaeLoss : IDisposable
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);
    private static readonly double LogTwo = Math.Log(2);
    private const double LogisticBinWidth = 1.0 / 255;
    private readonly double _fixedLogSigma;

    /// <summary>
    /// Builds the loss. For a Gaussian likelihood <paramref name="gaussianSigma"/> is σ, or its start value when
    /// learned as one scalar (<paramref name="learnGaussianSigma"/>) or one per channel
    /// (<paramref name="learnGaussianSigmaPerChannel"/>). The Laplace and discretized logistic likelihoods always
    /// learn one scale per channel of the <paramref name="channels"/>, starting at <paramref name="likelihoodScale"/>.
    /// </summary>
    public VaeLoss(VaeLikelihood likelihood, double beta = 1.0, double freeBits = 0.0, double gaussianSigma = 0.1, bool learnGaussianSigma = false, MixturePrior? prior = null,
        int channels = 1, bool learnGaussianSigmaPerChannel = false, double likelihoodScale = 0.1)
    {
        if (!Enum.IsDefined(likelihood))
            throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, "Unknown likelihood.");
        if (!(beta >= 0) || double.IsInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be a finite number ≥ 0.");
        if (!(freeBits >= 0) || double.IsInfinity(freeBits))
            throw new ArgumentOutOfRangeException(nameof(freeBits), freeBits, "Free bits λ must be a finite number of nats ≥ 0.");
        if (!(gaussianSigma > 0) || double.IsInfinity(gaussianSigma))
            throw new ArgumentOutOfRangeException(nameof(gaussianSigma), gaussianSigma, "Gaussian σ must be a finite number > 0.");
        if (!(likelihoodScale > 0) || double.IsInfinity(likelihoodScale))
            throw new ArgumentOutOfRangeException(nameof(likelihoodScale), likelihoodScale, "The start value of a learned scale must be a finite number > 0.");
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        if ((learnGaussianSigma || learnGaussianSigmaPerChannel) && likelihood != VaeLikelihood.Gaussian)
            throw new ArgumentException($"A learned σ needs the Gaussian likelihood, got {likelihood}.", learnGaussianSigma ? nameof(learnGaussianSigma) : nameof(learnGaussianSigmaPerChannel));
        if (learnGaussianSigma && learnGaussianSigmaPerChannel)
            throw new ArgumentException("Learn one σ (learnGaussianSigma) or one per channel (learnGaussianSigmaPerChannel), not both.", nameof(learnGaussianSigmaPerChannel));
        // Free bits floor each dimension's KL to N(0, 1); under a mixture the KL does not split that way.
        if (prior != null && freeBits > 0)
            throw new ArgumentException($"Free bits (λ = {freeBits}) apply to the standard normal prior only; a mixture prior needs free bits 0.", nameof(freeBits));
        Prior = prior;

        (Likelihood, Beta, FreeBits, Channels) = (likelihood, beta, freeBits, channels);
        _fixedLogSigma = Math.Log(gaussianSigma);
        if (learnGaussianSigma)
            LogSigma = new Parameter(torch.tensor((float)_fixedLogSigma), requires_grad: true);
        if (learnGaussianSigmaPerChannel)
            LogScale = new Parameter(torch.full(channels, (float)_fixedLogSigma), requires_grad: true);
        else if (likelihood is VaeLikelihood.Laplace or VaeLikelihood.DiscretizedLogistic)
            LogScale = new Parameter(torch.full(channels, (float)Math.Log(likelihoodScale)), requires_grad: true);
    }

    /// <summary>The decoder likelihood.</summary>
    public VaeLikelihood Likelihood { get; }
    /// <summary>KL weight β (before warm-up).</summary>
    public double Beta { get; }
    /// <summary>Free-bits floor λ in nats per latent dimension (0 = off).</summary>
    public double FreeBits { get; }
    /// <summary>Image channels C (the length of <see cref="LogScale"/>).</summary>
    public int Channels { get; }
    /// <summary>The learned mixture prior whose KL this loss uses, or null for N(0, I). Owned by the network, not the loss.</summary>
    public MixturePrior? Prior { get; }
    /// <summary>The learned scalar log σ of the Gaussian likelihood, or null when σ is fixed, learned per channel, or the likelihood is another.</summary>
    public Parameter? LogSigma { get; }
    /// <summary>
    /// The learned log-scale per image channel, [C]: log σ_c (Gaussian learned per channel), log b_c (Laplace),
    /// log s_c (discretized logistic); null otherwise.
    /// </summary>
    public Parameter? LogScale { get; }

    /// <summary>Current σ of the Gaussian likelihood when it is one σ for all channels (the learned value if learned); NaN otherwise.</summary>
    public double GaussianSigma => Likelihood != VaeLikelihood.Gaussian || LogScale is not null ? double.NaN
        : LogSigma is null ? Math.Exp(_fixedLogSigma) : Math.Exp(LogSigma.item<float>());

    /// <summary>
    /// The likelihood's scales as they are now, as the model's metadata states them: one σ shared by all
    /// channels, or one σ_c, b_c or s_c per channel; empty for Bernoulli.
    /// </summary>
    public IReadOnlyList<double> Scales
    {
        get
        {
            if (Likelihood == VaeLikelihood.Bernoulli) return Array.Empty<double>();
            if (LogScale is null) return new[] { GaussianSigma };
            return LogScaleValues()!.Select(v => Math.Exp(v)).ToArray();
        }
    }

    /// <summary>The learned per-channel log-scales as they are now (what a checkpoint stores), or null.</summary>
    internal float[]? LogScaleValues()
    {
        if (LogScale is null) return null;
        using var scope = NewDisposeScope();
        using var noGrad = torch.no_grad();
        return LogScale.detach().cpu().data<float>().ToArray();
    }

    /// <summary>Parameters the optimiser must update besides the network's (the learned log σ or log-scales, if any).</summary>
    public IEnumerable<Parameter> Parameters() =>
        LogSigma is not null ? new[] { LogSigma } : LogScale is not null ? new[] { LogScale } : Array.Empty<Parameter>();

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
    /// logits for Bernoulli (BCE with logits), the mean x̂ for Gaussian and Laplace, the location μ for the
    /// discretized logistic (formulas in <see cref="ReconstructionPerImage"/>).
    /// </summary>
    public Tensor Reconstruction(Tensor decoded, Tensor images) =>
        ReconstructionPerImage(decoded, images, Likelihood, _fixedLogSigma, (Tensor?)LogSigma ?? LogScale);

    /// <summary>
    /// −log p(x|decoded) per image, [N] — the formula's one TorchSharp home, for training and for the exported
    /// error's quantiles (<see cref="Export.VaeReconstructionError"/>). The scale is exp(<paramref name="logScale"/>)
    /// when given — a scalar (one σ) or [C] (one per channel) — else the Gaussian's exp(<paramref name="fixedLogSigma"/>).
    /// <list type="bullet">
    /// <item>Bernoulli: Σ softplus(l) − x·l.</item>
    /// <item>Gaussian: Σ ½((x − x̂)/σ_c)² + log σ_c + ½ log 2π.</item>
    /// <item>Laplace: Σ |x − x̂|/b_c + log b_c + log 2.</item>
    /// <item>Discretized logistic (Δ = 1/255, a = (x − μ + Δ/2)/s_c, c = (x − μ − Δ/2)/s_c):
    /// Σ [x &lt; 1]·softplus(−a) + [x &gt; 0]·softplus(c) + [0 &lt; x &lt; 1]·(−log(1 − e^(−Δ/s_c))), which is
    /// −log(σ(a) − σ(c)) inside (0, 1), −log σ(a) at 0 and −log(1 − σ(c)) at 1 (docs/math.md §3).</item>
    /// </list>
    /// </summary>
    internal static Tensor ReconstructionPerImage(Tensor decoded, Tensor images, VaeLikelihood likelihood, double fixedLogSigma, Tensor? logScale)
    {
        ArgumentNullException.ThrowIfNull(decoded);
        ArgumentNullException.ThrowIfNull(images);
        if (!decoded.shape.SequenceEqual(images.shape))
            throw new ArgumentException($"Decoder output shape [{string.Join(", ", decoded.shape)}] differs from image shape [{string.Join(", ", images.shape)}].", nameof(decoded));
        if (likelihood is VaeLikelihood.Laplace or VaeLikelihood.DiscretizedLogistic && logScale is null)
            throw new ArgumentException($"The {likelihood} likelihood needs its log-scale.", nameof(logScale));
        using var scope = NewDisposeScope();
        Tensor perImage;
        if (likelihood == VaeLikelihood.Bernoulli)
        {
            perImage = nn.functional.binary_cross_entropy_with_logits(decoded, images, reduction: nn.Reduction.None).flatten(1).sum(1);
        }
        else if (likelihood == VaeLikelihood.Gaussian && logScale is null)
        {
            long pixels = images[0].numel();
            var residual = (images - decoded).flatten(1);
            double invSigma = Math.Exp(-fixedLogSigma);
            perImage = 0.5 * (residual * invSigma).square().sum(1) + pixels * (fixedLogSigma + HalfLogTwoPi);
        }
        else if (likelihood == VaeLikelihood.Gaussian && logScale!.dim() == 0)
        {
            long pixels = images[0].numel();
            var residual = (images - decoded).flatten(1);
            perImage = 0.5 * (residual * (-logScale).exp()).square().sum(1) + pixels * (logScale + HalfLogTwoPi);
        }
        else
        {
            var s = ChannelLogScale(logScale!, images);
            var terms = likelihood switch
            {
                VaeLikelihood.Gaussian => 0.5 * ((images - decoded) * (-s).exp()).square() + s + HalfLogTwoPi,
                VaeLikelihood.Laplace => (images - decoded).abs() * (-s).exp() + s + LogTwo,
                VaeLikelihood.DiscretizedLogistic => DiscretizedLogisticTerms(decoded, images, s),
                _ => throw new ArgumentException($"Unknown likelihood {(int)likelihood}.", nameof(likelihood)),
            };
            perImage = terms.flatten(1).sum(1);
        }
        return scope.MoveToOuter(perImage);
    }

    // −log P per pixel of the discretized logistic; see ReconstructionPerImage. Each tail term is a log-sigmoid
    // (softplus is stable for any argument) and the interior bin's mass σ(a) − σ(c) = σ(a)·σ(−c)·(1 − e^(−Δ/s))
    // is never formed as a difference.
    private static Tensor DiscretizedLogisticTerms(Tensor mu, Tensor images, Tensor logScale)
    {
        const double half = LogisticBinWidth / 2;
        var inverseScale = (-logScale).exp();
        var difference = images - mu;
        var a = (difference + half) * inverseScale;
        var c = (difference - half) * inverseScale;
        var belowTop = (images < 1 - half).to(images.dtype);
        var aboveBottom = (images > half).to(images.dtype);
        var binConstant = -(-(-LogisticBinWidth * inverseScale).expm1()).log();
        return belowTop * nn.functional.softplus(-a) + aboveBottom * nn.functional.softplus(c) + belowTop * aboveBottom * binConstant;
    }

    // [C] → [C, 1, 1] against [N, C, H, W]; one value broadcasts to every channel.
    private static Tensor ChannelLogScale(Tensor logScale, Tensor images)
    {
        if (logScale.dim() == 0)
            return logScale;
        long channels = images.shape[1];
        if (logScale.dim() != 1 || (logScale.shape[0] != channels && logScale.shape[0] != 1))
            throw new ArgumentException($"A log-scale of shape [{string.Join(", ", logScale.shape)}] does not fit images of {channels} channel(s); expected [{channels}] or [1].", nameof(logScale));
        return logScale.view(-1, 1, 1);
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

    /// <summary>Releases the learned σ or log-scale parameter.</summary>
    public void Dispose()
    {
        LogSigma?.Dispose();
        LogScale?.Dispose();
    }
}
