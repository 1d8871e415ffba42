using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using Vae.MLNet;
using Vae.Cli;
using Vae.Training.Data;

namespace Vae.Cli.Demo;

/// <summary>What step 5 measured, and the images behind its heatmap figure.</summary>
internal sealed record AnomalyOutcome(DemoVae Vae, IReadOnlyList<AnomalyResult> Detectors, int AnomalyTestCount);

/// <summary>
/// Step 5: hold one class out of training, train a VAE on the rest, and score every test image with the
/// VAE anomaly detector and with ML.NET's RandomizedPca on raw pixels; AUROC from
/// <c>mlContext.AnomalyDetection.Evaluate</c>, ROC curves from the scores.
/// </summary>
internal static class AnomalyStep
{
    private const string Score = "Score";

    public static AnomalyOutcome? Run(IAnsiConsole console, MLContext ml, DemoOptions options, DataSplit data, string folder, CancellationToken cancellationToken)
    {
        int anomaly = options.AnomalyClass;
        if (!data.Test.Labels.Contains(anomaly))
            throw new ArgumentException($"{data.Test.Source}: anomaly class {anomaly} does not occur in the test images (labels {string.Join(",", data.Test.Labels.Distinct().Order())}).");
        var normalTrain = Without(data.Train, anomaly);
        var normalTest = Without(data.Test, anomaly);
        var normalData = new DataSplit(normalTrain, normalTest, $"{data.Description}; class {anomaly} removed");
        var vae = TrainVaeStep.Run(console, options, normalData, folder, figures: false, cancellationToken);
        if (vae == null) return null;

        var trainView = DemoDataView.Create(ml, normalTrain, anomaly);
        var testView = DemoDataView.Create(ml, data.Test, anomaly);
        // The detector reads the model while scoring; it lives until the scores are evaluated below.
        using var model = VaeModel.Load(vae.VaeModelPath);
        var detectors = new List<AnomalyResult>
        {
            Evaluate(ml, "VAE reconstruction error", () => ml.AnomalyDetection.Trainers.Vae(model, DemoDataView.Pixels).Fit(trainView), testView),
            Evaluate(ml, "VAE reconstruction divergence", () => Vae(ml, model, VaeAnomalyScoreKind.ReconstructionDivergence).Fit(trainView), testView),
            Evaluate(ml, "VAE combined (divergence + latent distance)", () => Vae(ml, model, VaeAnomalyScoreKind.Combined).Fit(trainView), testView),
            Evaluate(ml, "VAE latent nearest neighbours", () => Vae(ml, model, VaeAnomalyScoreKind.NearestNeighbors).Fit(trainView), testView),
            Evaluate(ml, "RandomizedPca on raw pixels", () => ml.AnomalyDetection.Trainers.RandomizedPca(DemoDataView.Pixels, rank: 20, seed: options.Seed).Fit(trainView), testView),
        };
        return new AnomalyOutcome(vae, detectors, data.Test.Labels.Count(l => l == anomaly));
    }

    private static VaeAnomalyDetectionEstimator Vae(MLContext ml, VaeModel model, VaeAnomalyScoreKind kind) =>
        ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions { InputColumnName = DemoDataView.Pixels, ScoreKind = kind }, model);

    private static AnomalyResult Evaluate(MLContext ml, string name, Func<ITransformer> fit, IDataView test)
    {
        var clock = Stopwatch.StartNew();
        var model = fit();
        double seconds = clock.Elapsed.TotalSeconds;
        var scored = model.Transform(test);
        var metrics = ml.AnomalyDetection.Evaluate(scored, labelColumnName: DemoDataView.IsAnomaly, scoreColumnName: Score);
        var scores = scored.GetColumn<float>(Score).ToArray();
        var labels = scored.GetColumn<float>(DemoDataView.IsAnomaly).Select(l => l > 0).ToArray();
        var (fpr, tpr) = RocCurve.Compute(scores, labels);
        return new AnomalyResult(name, metrics.AreaUnderRocCurve, metrics.DetectionRateAtFalsePositiveCount, fpr, tpr, seconds);
    }

    private static ImageSet Without(ImageSet images, int label) =>
        images.Subset(Enumerable.Range(0, images.Count).Where(i => images.Labels[i] != label).ToArray(), $"{images.Source} without class {label}");
}
