using Vae.Training.Model;

namespace Vae.Training.Training;

/// <summary>The outcome of <see cref="VaeTrainer.Train"/>. The network belongs to the trainer that produced it.</summary>
/// <param name="Network">The trained network (owned and disposed by the trainer).</param>
/// <param name="Architecture">Its layer layout.</param>
/// <param name="Options">The settings the run used.</param>
/// <param name="History">Metrics of every completed epoch, resumed epochs included.</param>
/// <param name="GaussianSigma">σ of the Gaussian likelihood at the end (null for Bernoulli).</param>
/// <param name="Cancelled">True when the run stopped early because of the cancellation token.</param>
/// <param name="CheckpointPath">The last checkpoint written, or null without an output folder.</param>
/// <param name="MetricsJsonPath">The metrics log (JSON), or null.</param>
/// <param name="MetricsCsvPath">The metrics log (CSV), or null.</param>
public sealed record TrainResult(
    VaeNetwork Network,
    VaeArchitecture Architecture,
    TrainOptions Options,
    IReadOnlyList<EpochMetrics> History,
    double? GaussianSigma,
    bool Cancelled,
    string? CheckpointPath,
    string? MetricsJsonPath,
    string? MetricsCsvPath)
{
    /// <summary>Warnings raised during training, one per epoch that had one.</summary>
    public IReadOnlyList<string> Warnings => History.Where(m => m.Warning != null).Select(m => $"epoch {m.Epoch}: {m.Warning}").ToList();
}
