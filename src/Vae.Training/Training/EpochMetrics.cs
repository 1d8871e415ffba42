namespace Vae.Training;

/// <summary>
/// What one epoch measured. Losses are in nats per image: reconstruction −log p(x|z), KL(q(z|x) ‖ p(z)) and
/// their sum, the negative ELBO (unweighted by β). Training values are averaged over the epoch's batches as
/// the weights changed; validation values are measured after the epoch. Validation fields are null when no
/// validation set was given.
/// </summary>
public sealed record EpochMetrics
{
    /// <summary>Epoch number, 1-based.</summary>
    public int Epoch { get; init; }
    /// <summary>Mean reconstruction term per training image.</summary>
    public double TrainReconstruction { get; init; }
    /// <summary>Mean KL per training image.</summary>
    public double TrainKl { get; init; }
    /// <summary>Mean −ELBO per training image (reconstruction + KL).</summary>
    public double TrainTotal { get; init; }
    /// <summary>Mean KL per training image for each latent dimension.</summary>
    public IReadOnlyList<double> TrainKlPerDimension { get; init; } = Array.Empty<double>();
    /// <summary>Mean reconstruction term per validation image.</summary>
    public double? ValidationReconstruction { get; init; }
    /// <summary>Mean KL per validation image.</summary>
    public double? ValidationKl { get; init; }
    /// <summary>Mean −ELBO per validation image.</summary>
    public double? ValidationTotal { get; init; }
    /// <summary>Mean KL per validation image for each latent dimension.</summary>
    public IReadOnlyList<double>? ValidationKlPerDimension { get; init; }
    /// <summary>Active units (Burda et al. 2016): dimensions whose μ varies over the validation set with variance &gt; 0.01.</summary>
    public int? ActiveUnits { get; init; }
    /// <summary>KL warm-up factor at the end of the epoch (multiplies β).</summary>
    public double KlWarmupFactor { get; init; }
    /// <summary>Adam learning rate of the epoch's last step (changes over the run under a schedule).</summary>
    public double LearningRate { get; init; }
    /// <summary>σ of the Gaussian likelihood after the epoch when it is one σ for every channel (null otherwise).</summary>
    public double? GaussianSigma { get; init; }
    /// <summary>The likelihood's learned scale per channel after the epoch (σ_c, b_c or s_c); null for Bernoulli and a one-σ Gaussian.</summary>
    public IReadOnlyList<double>? LikelihoodScales { get; init; }
    /// <summary>Training throughput of this epoch (optimiser steps only, evaluation excluded).</summary>
    public double ImagesPerSecond { get; init; }
    /// <summary>Wall-clock seconds of the epoch, evaluation included.</summary>
    public double Seconds { get; init; }
    /// <summary>A plain-words warning (e.g. posterior collapse), or null.</summary>
    public string? Warning { get; init; }
}
