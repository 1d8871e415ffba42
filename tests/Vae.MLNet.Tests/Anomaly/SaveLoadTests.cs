using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class SaveLoadTests
{
    [Theory]
    [InlineData(VaeAnomalyScoreKind.ReconstructionError)]
    [InlineData(VaeAnomalyScoreKind.ReconstructionDivergence)]
    [InlineData(VaeAnomalyScoreKind.NegativeElbo)]
    [InlineData(VaeAnomalyScoreKind.Mahalanobis)]
    [InlineData(VaeAnomalyScoreKind.Combined)]
    public void Saved_detector_loads_in_a_fresh_context_as_builtins_and_gives_identical_scores_and_labels(VaeAnomalyScoreKind kind)
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 8000, 80);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(kind, contamination: 0.2), model).Fit(data).WithThreshold(0f);
        // Midway between the 51st and 52nd score: no row sits on the threshold, where float rounding could flip its label.
        var sorted = detector.FittedScores.Order().ToArray();
        float threshold = (sorted[50] + sorted[51]) / 2;
        detector = detector.WithThreshold(threshold);
        var expected = AnomalyTestSupport.Score(ml, detector, data);

        string path = Path.Combine(Path.GetTempPath(), $"vae-anomaly-{kind}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(detector, data.Schema, path);
            var fresh = new MLContext(seed: 7);
            var loaded = fresh.Model.Load(path, out var inputSchema);
            Assert.IsNotType<VaeAnomalyDetectionTransformer>(loaded);
            Assert.DoesNotContain(Flatten(loaded), t => t.GetType().Assembly == typeof(VaeModel).Assembly);
            Assert.NotNull(inputSchema.GetColumnOrNull("Pixels"));

            var actual = AnomalyTestSupport.Score(fresh, loaded, data);
            if (kind is VaeAnomalyScoreKind.ReconstructionDivergence or VaeAnomalyScoreKind.Combined)
            {
                // The saved graph sums the pixel entropies in float inside ONNX Runtime, the transformer in double.
                for (int r = 0; r < expected.Count; r++)
                    Assert.True(Math.Abs(expected[r].Score - actual[r].Score) <= 1e-5 * Math.Max(1, Math.Abs(expected[r].Score)),
                        $"row {r}: transformer {expected[r].Score}, saved {actual[r].Score}");
            }
            else
            {
                Assert.Equal(expected.Select(r => r.Score), actual.Select(r => r.Score));
            }
            Assert.Equal(expected.Select(r => r.PredictedLabel), actual.Select(r => r.PredictedLabel));
            Assert.Equal(29, actual.Count(r => r.PredictedLabel)); // the threshold travelled: 29 of 80 lie above it
            var schema = loaded.GetOutputSchema(data.Schema);
            Assert.Equal(Microsoft.ML.Data.NumberDataViewType.Single, schema["Score"].Type);
            Assert.Equal(Microsoft.ML.Data.BooleanDataViewType.Instance, schema["PredictedLabel"].Type);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(VaeAnomalyScoreKind.NegativeElbo)]
    [InlineData(VaeAnomalyScoreKind.Combined)]
    public void Saved_scoring_tail_loads_as_builtins_and_gives_identical_scores_and_labels(VaeAnomalyScoreKind kind)
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 8000, 80);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(kind, contamination: 0.2), model).Fit(data);
        var featurized = ml.Data.Cache(detector.Featurizer.Transform(data));
        var expected = AnomalyTestSupport.Score(ml, detector, data);

        string path = Path.Combine(Path.GetTempPath(), $"vae-anomaly-tail-{kind}-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(detector.ScoringTail, featurized.Schema, path);
            var fresh = new MLContext(seed: 7);
            var loaded = fresh.Model.Load(path, out _);
            Assert.DoesNotContain(Flatten(loaded), t => t.GetType().Assembly == typeof(VaeModel).Assembly);
            var actual = AnomalyTestSupport.Score(fresh, loaded, featurized);
            Assert.Equal(expected.Select(r => r.Score), actual.Select(r => r.Score));
            Assert.Equal(expected.Select(r => r.PredictedLabel), actual.Select(r => r.PredictedLabel));
            Assert.Equal(16, actual.Count(r => r.PredictedLabel));
            Assert.DoesNotContain(loaded.GetOutputSchema(featurized.Schema), c => c.Name.StartsWith("VaeAnomaly.", StringComparison.Ordinal) && !c.IsHidden);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Prediction_engine_scores_one_row_like_transform()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 8000, 30);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.Combined, 0.1), model).Fit(data);
        var expected = AnomalyTestSupport.Score(ml, detector, data);
        using var engine = ml.Model.CreatePredictionEngine<PixelRow, ScoredRow>(detector);
        var row = new PixelRow { Pixels = TestData.Images(8003, 1)[0] };
        var prediction = engine.Predict(row);
        Assert.Equal(expected[3].Score, prediction.Score);
        Assert.Equal(expected[3].PredictedLabel, prediction.PredictedLabel);
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer t) =>
        t is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten).Prepend(t) : [t];
}
