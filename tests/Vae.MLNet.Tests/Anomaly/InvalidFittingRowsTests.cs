using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

/// <summary>
/// Under InvalidPixelHandling.MaximalError, fitting rows with NaN/Inf pixels score float.MaxValue; they must not
/// place the threshold (it used to become 3.4e38 and flag nothing), and the rule must say they were left out.
/// </summary>
public sealed class InvalidFittingRowsTests
{
    private static readonly int[] BadRows = [3, 17, 42, 64, 99];

    [Theory]
    [InlineData(VaeAnomalyScoreKind.ReconstructionError)]
    [InlineData(VaeAnomalyScoreKind.NegativeElbo)]
    [InlineData(VaeAnomalyScoreKind.Mahalanobis)]
    [InlineData(VaeAnomalyScoreKind.Combined)]
    [InlineData(VaeAnomalyScoreKind.NearestNeighbors)]
    public void Invalid_fitting_rows_are_excluded_from_calibration_and_still_flagged(VaeAnomalyScoreKind kind)
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var rows = Enumerable.Range(8000, 100).Select(i => new PixelRow { Pixels = (float[])TestData.Images(i, 1)[0].Clone() }).ToList();
        var valid = rows.Where((_, i) => !BadRows.Contains(i)).ToList();
        for (int j = 0; j < BadRows.Length; j++)
            rows[BadRows[j]].Pixels[100 + j] = j % 2 == 0 ? float.NaN : float.PositiveInfinity;

        VaeAnomalyDetectorOptions Options()
        {
            var options = AnomalyTestSupport.Options(kind);
            options.ThresholdQuantile = 0.95;
            options.InvalidPixelHandling = InvalidPixelHandling.MaximalError;
            return options;
        }

        using var reference = ml.AnomalyDetection.Trainers.Vae(Options(), model).Fit(ml.Data.LoadFromEnumerable(valid));
        using var detector = ml.AnomalyDetection.Trainers.Vae(Options(), model).Fit(ml.Data.LoadFromEnumerable(rows));

        Assert.True(float.IsFinite(reference.Threshold) && reference.Threshold < 1e30f, $"reference threshold {reference.Threshold}");
        Assert.Equal(reference.Threshold, detector.Threshold);
        Assert.Equal(reference.FittedScores, detector.FittedScores);
        Assert.Equal(95, detector.FittedScores.Count);
        Assert.Contains("of 95 fitting", detector.ThresholdRule, StringComparison.Ordinal);
        Assert.Contains("5 of 100 fitting rows excluded", detector.ThresholdRule, StringComparison.Ordinal);
        Assert.DoesNotContain("excluded", reference.ThresholdRule, StringComparison.Ordinal);

        var scored = AnomalyTestSupport.Score(ml, detector, ml.Data.LoadFromEnumerable(rows));
        foreach (int bad in BadRows)
            Assert.True(scored[bad].PredictedLabel, $"{kind}: invalid row {bad} (score {scored[bad].Score}) must be flagged");
        // The valid rows are scored against the same threshold as without the invalid ones: about 5 % flagged.
        int flaggedValid = scored.Where((_, i) => !BadRows.Contains(i)).Count(r => r.PredictedLabel);
        Assert.InRange(flaggedValid, 1, 10);
    }

    [Fact]
    public void Fitting_data_with_only_invalid_rows_is_refused()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var rows = Enumerable.Range(8000, 4).Select(i => new PixelRow { Pixels = (float[])TestData.Images(i, 1)[0].Clone() }).ToList();
        foreach (var row in rows)
            row.Pixels[0] = float.NaN;
        var options = AnomalyTestSupport.Options(VaeAnomalyScoreKind.ReconstructionError);
        options.InvalidPixelHandling = InvalidPixelHandling.MaximalError;
        var e = Assert.Throws<InvalidOperationException>(() => ml.AnomalyDetection.Trainers.Vae(options, model).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("all 4 fitting rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("'Pixels'", e.Message, StringComparison.Ordinal);
    }
}
