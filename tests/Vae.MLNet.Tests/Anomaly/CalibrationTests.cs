using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class CalibrationTests
{
    private const int Start = 8000, Count = 200;

    [Theory]
    [InlineData(VaeAnomalyScoreKind.ReconstructionError, 0.1)]
    [InlineData(VaeAnomalyScoreKind.Mahalanobis, 0.05)]
    [InlineData(VaeAnomalyScoreKind.Combined, 0.23)]
    public void Contamination_flags_that_fraction_of_the_fitting_data(VaeAnomalyScoreKind kind, double contamination)
    {
        var (rows, detector) = FitAndScore(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", ScoreKind = kind, Contamination = contamination });
        int flagged = rows.Count(r => r.PredictedLabel);
        double expected = contamination * Count;
        Assert.True(Math.Abs(flagged - expected) <= 1, $"{kind}: flagged {flagged} of {Count}, expected {expected} ± 1");
        // Flagged rows are exactly the top scores.
        float lowestFlagged = rows.Where(r => r.PredictedLabel).Min(r => r.Score);
        float highestKept = rows.Where(r => !r.PredictedLabel).Max(r => r.Score);
        Assert.True(lowestFlagged > detector.Threshold && highestKept <= detector.Threshold && lowestFlagged > highestKept);
    }

    [Fact]
    public void False_positive_rate_flags_at_most_that_fraction()
    {
        var (rows, _) = FitAndScore(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", FalsePositiveRate = 0.037 });
        int flagged = rows.Count(r => r.PredictedLabel);
        Assert.Equal((int)Math.Floor(0.037 * Count), flagged); // 7 of 200, no ties among continuous scores
    }

    [Fact]
    public void Quantile_threshold_is_the_interpolated_quantile_of_the_fitted_scores()
    {
        var (rows, detector) = FitAndScore(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", ThresholdQuantile = 0.9 });
        var sorted = rows.Select(r => (double)r.Score).Order().ToArray();
        double h = (sorted.Length - 1) * 0.9;
        double expected = sorted[(int)h] + (h - Math.Floor(h)) * (sorted[(int)h + 1] - sorted[(int)h]);
        Assert.Equal((float)expected, detector.Threshold);
        Assert.All(rows, r => Assert.Equal(r.Score > detector.Threshold, r.PredictedLabel));
    }

    [Fact]
    public void Default_threshold_of_the_error_score_is_the_models_stored_099_training_quantile()
    {
        var (rows, detector) = FitAndScore(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels" });
        using var model = VaeModel.Load(TestData.ContractVae);
        Assert.Equal((float)model.TrainingErrorQuantiles[0.99], detector.Threshold);
        Assert.Contains("stored", detector.ThresholdRule, StringComparison.Ordinal);
        Assert.All(rows, r => Assert.Equal(r.Score > detector.Threshold, r.PredictedLabel));
    }

    [Fact]
    public void Default_threshold_of_other_scores_is_the_099_quantile_of_the_fitted_scores()
    {
        var (rows, detector) = FitAndScore(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", ScoreKind = VaeAnomalyScoreKind.Mahalanobis });
        Assert.Equal(2, rows.Count(r => r.PredictedLabel)); // 0.99 quantile of 200 lies between the 2nd and 3rd largest
    }

    [Fact]
    public void WithThreshold_relabels_by_the_new_threshold_and_keeps_the_scores()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, 60);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", Contamination = 0.1 }, model).Fit(data);
        var before = AnomalyTestSupport.Score(ml, detector, data);
        float median = before.Select(r => r.Score).Order().ElementAt(30);
        var lowered = detector.WithThreshold(median);
        var after = AnomalyTestSupport.Score(ml, lowered, data);

        Assert.Equal(median, lowered.Threshold);
        Assert.Equal(before.Select(r => r.Score), after.Select(r => r.Score));
        Assert.All(after, r => Assert.Equal(r.Score > median, r.PredictedLabel));
        Assert.Equal(29, after.Count(r => r.PredictedLabel)); // above the 31st smallest of 60 distinct scores
        Assert.Equal(6, AnomalyTestSupport.Score(ml, detector, data).Count(r => r.PredictedLabel)); // the original is unchanged
    }

    private static (List<ScoredRow> Rows, VaeAnomalyDetectionTransformer Detector) FitAndScore(VaeAnomalyDetectorOptions options)
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, Count);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(options, model).Fit(data);
        return (AnomalyTestSupport.Score(ml, detector, data), detector);
    }
}
