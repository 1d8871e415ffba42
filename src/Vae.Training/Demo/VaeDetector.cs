using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Featurizer;

namespace Vae.Training.Demo;

/// <summary>
/// The VAE anomaly detector of the demo: Score = the model's reconstruction error, PredictedLabel = error
/// above the 0.99 quantile measured on the training data (stored in the model).
/// </summary>
internal static class VaeDetector
{
    public static ITransformer Fit(MLContext ml, string vaeModelPath, IDataView normalTrain)
    {
        // The transformer reads the model lazily, so the model lives as long as the demo's ML.NET objects.
        var model = VaeModel.Load(vaeModelPath);
        double threshold = model.TrainingErrorQuantiles.TryGetValue(0.99, out var q) ? q : double.PositiveInfinity;
        var options = new VaeFeaturizerOptions
        {
            InputColumnName = DemoDataView.Pixels,
            MuColumnName = null,
            SigmaColumnName = null,
            ReconstructionErrorColumnName = "Score",
        };
        var pipeline = ml.Transforms.VaeFeaturize(options, model)
            .Append(ml.Transforms.CustomMapping<ScoreRow, LabelRow>((s, l) => l.PredictedLabel = s.Score > threshold, contractName: null));
        return pipeline.Fit(normalTrain);
    }

    private sealed class ScoreRow { public float Score { get; set; } }
    private sealed class LabelRow { public bool PredictedLabel { get; set; } }
}
