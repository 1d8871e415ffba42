using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class BadInputTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Calibration_fractions_outside_the_open_unit_interval_are_rejected(double value)
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        foreach (var options in new[]
        {
            new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", Contamination = value },
            new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", ThresholdQuantile = value },
            new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", FalsePositiveRate = value },
        })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(options, model));
            Assert.Contains("(0, 1)", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Two_calibrations_at_once_are_rejected()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var e = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(
            new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", Contamination = 0.1, FalsePositiveRate = 0.05 }, model));
        Assert.Contains("at most one", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void Shrinkage_outside_0_1_is_rejected(double shrinkage)
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(
            new VaeAnomalyDetectorOptions { InputColumnName = "Pixels", CovarianceShrinkage = shrinkage }, model));
    }

    [Fact]
    public void Empty_fitting_data_is_rejected()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var empty = ml.Data.LoadFromEnumerable(new List<PixelRow>());
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.ReconstructionError), model).Fit(empty));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void One_fitting_row_cannot_fit_a_covariance()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var e = Assert.Throws<InvalidOperationException>(() =>
            ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.Mahalanobis), model).Fit(Rows.Pixels(ml, 0, 1)));
        Assert.Contains("at least 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_or_wrong_input_column_names_the_column()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var data = Rows.Pixels(ml, 0, 5);
        var missing = new VaeAnomalyDetectorOptions { InputColumnName = "Image" };
        var e = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(missing, model).Fit(data));
        Assert.Contains("'Image'", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(missing, model).GetOutputSchema(new SchemaShape([
            SchemaShapes.Column("Pixels", SchemaShape.Column.VectorKind.Vector, Microsoft.ML.Data.NumberDataViewType.Single, false)])));
        Assert.Contains("'Image'", e.Message, StringComparison.Ordinal);
        var wrongType = new VaeAnomalyDetectorOptions { InputColumnName = "Tag" };
        e = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(wrongType, model).Fit(data));
        Assert.Contains("'Tag'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Error_scores_need_a_decoder_but_mahalanobis_works_on_a_foreign_encoder()
    {
        var ml = new MLContext(seed: 1);
        using var foreign = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        var e = Assert.Throws<ArgumentException>(() => ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.Combined), foreign));
        Assert.Contains("Mahalanobis", e.Message, StringComparison.Ordinal);
        var data = Rows.Pixels(ml, 8000, 50);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.Mahalanobis, 0.1), foreign).Fit(data);
        Assert.Equal(5, AnomalyTestSupport.Score(ml, detector, data).Count(r => r.PredictedLabel));
    }

    [Fact]
    public void Invalid_pixels_throw_by_default_and_score_as_maximal_anomalies_on_request()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var rows = Enumerable.Range(8000, 30).Select(i => new PixelRow { Pixels = (float[])TestData.Images(i, 1)[0].Clone() }).ToList();
        var fit = ml.Data.LoadFromEnumerable(rows);
        var badRows = rows.Select(r => new PixelRow { Pixels = (float[])r.Pixels.Clone() }).ToList();
        badRows[7].Pixels[100] = float.NaN;
        var bad = ml.Data.LoadFromEnumerable(badRows);

        foreach (var kind in new[] { VaeAnomalyScoreKind.ReconstructionError, VaeAnomalyScoreKind.Combined, VaeAnomalyScoreKind.Mahalanobis, VaeAnomalyScoreKind.NearestNeighbors })
        {
            var strict = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(kind, 0.1), model).Fit(fit);
            // ML.NET's parallel cursors wrap it in InvalidOperationExceptions; the featurizer's message is innermost.
            var thrown = Assert.ThrowsAny<Exception>(() => AnomalyTestSupport.Score(ml, strict, bad));
            while (thrown.InnerException != null)
                thrown = thrown.InnerException;
            Assert.IsType<InvalidDataException>(thrown);
            Assert.Contains("row 7", thrown.Message, StringComparison.Ordinal);

            var options = AnomalyTestSupport.Options(kind, 0.1);
            options.InvalidPixelHandling = InvalidPixelHandling.MaximalError;
            var lenient = ml.AnomalyDetection.Trainers.Vae(options, model).Fit(fit);
            var scored = AnomalyTestSupport.Score(ml, lenient, bad);
            Assert.True(scored[7].PredictedLabel, $"{kind}: the NaN row must be flagged");
            Assert.Equal(scored.Max(r => r.Score), scored[7].Score);
        }

        // Fitting data with a NaN pixel fails with the featurizer's own message, naming column and row.
        var e = Assert.Throws<InvalidDataException>(() =>
            ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.ReconstructionError), model).Fit(bad));
        Assert.Contains("row 7", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithThreshold_rejects_non_finite_thresholds()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.ReconstructionError), model).Fit(Rows.Pixels(ml, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.WithThreshold(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => detector.WithThreshold(float.PositiveInfinity));
    }
}
