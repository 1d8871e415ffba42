using Vae.MLNet;

namespace Vae.Training;

/// <summary>
/// Settings of one training run. Stored in every checkpoint, so a resumed run continues with the same
/// settings (only <see cref="Epochs"/>, <see cref="Threads"/>, <see cref="OutputDirectory"/> and
/// <see cref="LearningRate"/> may change on resume).
/// </summary>
public sealed record TrainOptions
{
    /// <summary>Total number of epochs to reach (a resumed run continues up to this count).</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Images per optimiser step; the last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, as in PyTorch).</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>How the learning rate changes over the <see cref="Epochs"/> of the run (constant, or cosine decay to 0).</summary>
    public LearningRateSchedule LearningRateSchedule { get; init; } = LearningRateSchedule.Constant;
    /// <summary>Seed for initialisation, shuffling and the reparameterisation noise; same seed → same weights.</summary>
    public int Seed { get; init; }
    /// <summary>
    /// Decoder likelihood p(x|z). Null (the default) lets <see cref="VaeTrainer"/> choose by the images'
    /// channels (<see cref="DefaultLikelihood"/>): Bernoulli for grayscale, the discretized logistic for colour.
    /// </summary>
    public VaeLikelihood? Likelihood { get; init; }
    /// <summary>σ of the Gaussian likelihood (start value when <see cref="LearnGaussianSigma"/> or <see cref="LearnGaussianSigmaPerChannel"/>).</summary>
    public double GaussianSigma { get; init; } = 0.1;
    /// <summary>Learn one scalar log σ for the Gaussian likelihood.</summary>
    public bool LearnGaussianSigma { get; init; }
    /// <summary>Learn one log σ per image channel for the Gaussian likelihood (instead of <see cref="LearnGaussianSigma"/>'s one).</summary>
    public bool LearnGaussianSigmaPerChannel { get; init; }
    /// <summary>Start value of the per-channel scale the Laplace (b) and discretized logistic (s) likelihoods learn.</summary>
    public double LikelihoodScale { get; init; } = 0.1;
    /// <summary>KL weight β (1 = the ELBO; &gt; 1 = β-VAE).</summary>
    public double Beta { get; init; } = 1.0;
    /// <summary>Length of the linear KL warm-up (0 = off), in <see cref="KlWarmupUnit"/>.</summary>
    public int KlWarmup { get; init; }
    /// <summary>Unit of <see cref="KlWarmup"/>.</summary>
    public KlWarmupUnit KlWarmupUnit { get; init; } = KlWarmupUnit.Epochs;
    /// <summary>Free-bits floor λ in nats per latent dimension (0 = off).</summary>
    public double FreeBits { get; init; }
    /// <summary>
    /// With a mixture prior: epochs trained under the (still standard-normal) prior before its components are
    /// set by k-means on the training codes; 0 sets them from the untrained encoder.
    /// </summary>
    public int PriorInitEpochs { get; init; } = 1;
    /// <summary>Intra-op threads for libtorch (<c>torch.set_num_threads</c>); null leaves the current setting.</summary>
    public int? Threads { get; init; }
    /// <summary>Images per batch when evaluating (no gradients, so larger than <see cref="BatchSize"/> is fine).</summary>
    public int EvaluationBatchSize { get; init; } = 1000;
    /// <summary>
    /// Folder for <c>checkpoint.vaeckpt</c>, <c>metrics.json</c> and <c>metrics.csv</c>, written after every
    /// epoch; null trains in memory only (no checkpoints, so cancellation just stops).
    /// </summary>
    public string? OutputDirectory { get; init; }
    /// <summary>Report progress every this many batches (and on the last batch of each epoch).</summary>
    public int ProgressInterval { get; init; } = 10;
    /// <summary>
    /// Training batches only: mirror each image left-right with probability ½ (drawn from seed, epoch and position,
    /// so a resumed run sees the same images). Off by default; validation and evaluation are never augmented.
    /// </summary>
    public bool AugmentFlip { get; init; }
    /// <summary>
    /// Training batches only: move each image by up to this many pixels in x and y (each offset uniform in
    /// [−N, N], drawn like <see cref="AugmentFlip"/>), filling the uncovered border with the set's background colour. 0 = off.
    /// </summary>
    public int AugmentShift { get; init; }
    /// <summary>
    /// Prepare the next training batch (copy, convert bytes or decode files, augment) on a background task while the
    /// current step runs; the batches are the same either way.
    /// </summary>
    public bool Prefetch { get; init; } = true;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public TrainOptions Validated()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "≥ 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "≥ 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number > 0");
        Require(Enum.IsDefined(LearningRateSchedule), nameof(LearningRateSchedule), LearningRateSchedule, "constant or cosine");
        Require(Likelihood is null || Enum.IsDefined(Likelihood.Value), nameof(Likelihood), Likelihood, "null (chosen by the images), bernoulli, gaussian, laplace or discretizedLogistic");
        Require(GaussianSigma > 0 && double.IsFinite(GaussianSigma), nameof(GaussianSigma), GaussianSigma, "a finite number > 0");
        Require(!LearnGaussianSigma || Likelihood == VaeLikelihood.Gaussian, nameof(LearnGaussianSigma), LearnGaussianSigma, "false unless the likelihood is Gaussian");
        Require(!LearnGaussianSigmaPerChannel || Likelihood == VaeLikelihood.Gaussian, nameof(LearnGaussianSigmaPerChannel), LearnGaussianSigmaPerChannel, "false unless the likelihood is Gaussian");
        Require(!(LearnGaussianSigma && LearnGaussianSigmaPerChannel), nameof(LearnGaussianSigmaPerChannel), LearnGaussianSigmaPerChannel, "false when LearnGaussianSigma is set (one σ, or one per channel)");
        Require(LikelihoodScale > 0 && double.IsFinite(LikelihoodScale), nameof(LikelihoodScale), LikelihoodScale, "a finite number > 0");
        Require(Beta >= 0 && double.IsFinite(Beta), nameof(Beta), Beta, "a finite number ≥ 0");
        Require(KlWarmup >= 0, nameof(KlWarmup), KlWarmup, "≥ 0");
        Require(Enum.IsDefined(KlWarmupUnit), nameof(KlWarmupUnit), KlWarmupUnit, "epochs or steps");
        Require(FreeBits >= 0 && double.IsFinite(FreeBits), nameof(FreeBits), FreeBits, "a finite number ≥ 0");
        Require(PriorInitEpochs >= 0, nameof(PriorInitEpochs), PriorInitEpochs, "≥ 0");
        Require(Threads is null or >= 1, nameof(Threads), Threads, "null or ≥ 1");
        Require(EvaluationBatchSize >= 1, nameof(EvaluationBatchSize), EvaluationBatchSize, "≥ 1");
        Require(ProgressInterval >= 1, nameof(ProgressInterval), ProgressInterval, "≥ 1");
        Require(AugmentShift >= 0, nameof(AugmentShift), AugmentShift, "≥ 0");
        return this;
    }

    /// <summary>
    /// The likelihood a run uses when <see cref="Likelihood"/> is null: Bernoulli for one channel (grayscale),
    /// the discretized logistic for more (colour) — measured on 32×32 RGB clip art, see docs/training.md.
    /// </summary>
    public static VaeLikelihood DefaultLikelihood(int channels)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        return channels == 1 ? VaeLikelihood.Bernoulli : VaeLikelihood.DiscretizedLogistic;
    }

    /// <summary>These options with <see cref="Likelihood"/> chosen for images of <paramref name="channels"/> channels when it is null.</summary>
    public TrainOptions ForChannels(int channels) => Likelihood is null ? this with { Likelihood = DefaultLikelihood(channels) } : this;

    private static void Require(bool ok, string name, object? actual, string expected)
    {
        if (!ok)
            throw new ArgumentException($"TrainOptions.{name} must be {expected}, got {actual?.ToString() ?? "null"}.", name);
    }
}
