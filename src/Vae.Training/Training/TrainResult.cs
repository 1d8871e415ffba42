using Vae.Training.Data;
using Vae.Training.Export;
using Vae.Training.Models;

namespace Vae.Training;

/// <summary>The outcome of <see cref="VaeTrainer.Train"/>. The network belongs to the trainer that produced it.</summary>
/// <param name="Network">The trained network (owned and disposed by the trainer).</param>
/// <param name="Architecture">Its layer layout.</param>
/// <param name="Options">The settings the run used.</param>
/// <param name="History">Metrics of every completed epoch, resumed epochs included.</param>
/// <param name="GaussianSigma">σ of the Gaussian likelihood at the end when it is one σ for every channel (null otherwise).</param>
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
    /// <summary>The likelihood's learned scale per channel at the end (σ_c, b_c or s_c); null for Bernoulli and a one-σ Gaussian (<see cref="GaussianSigma"/>).</summary>
    public IReadOnlyList<double>? LikelihoodScales { get; init; }

    /// <summary>Warnings raised during training, one per epoch that had one.</summary>
    public IReadOnlyList<string> Warnings => History.Where(m => m.Warning != null).Select(m => $"epoch {m.Epoch}: {m.Warning}").ToList();

    /// <summary>
    /// Writes <c>vae.onnx</c> and <c>decoder.onnx</c> into <paramref name="directory"/>, with the likelihood, its scales and β
    /// of this run and reconstruction-error quantiles measured on <paramref name="trainImages"/> (the images it
    /// trained on: the anomaly detector's default threshold is one of those quantiles).
    /// </summary>
    public VaeOnnxFiles Export(string directory, ImageSet trainImages) =>
        ModelExport.Export(Network, Options.Likelihood ?? TrainOptions.DefaultLikelihood(Architecture.Channels), GaussianSigma, LikelihoodScales, Options.Beta, trainImages, directory);
}
