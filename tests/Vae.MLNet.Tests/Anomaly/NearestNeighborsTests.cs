using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

/// <summary>The k-nearest-neighbour score, recomputed by brute force from ONNX Runtime's μ and log σ².</summary>
public sealed class NearestNeighborsTests
{
    private const int FitStart = 8000, FitCount = 120, TestStart = 9000, TestCount = 60, K = 5;

    private static VaeAnomalyDetectorOptions Options(int maxReferences = 10_000, double? contamination = null) => new()
    {
        InputColumnName = "Pixels",
        ScoreKind = VaeAnomalyScoreKind.NearestNeighbors,
        NeighborCount = K,
        MaxNeighborReferences = maxReferences,
        Contamination = contamination,
    };

    [Fact]
    public void Score_of_an_unseen_image_is_the_mean_of_its_k_smallest_mahalanobis_distances_to_the_fitting_codes()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(Options(), model).Fit(Rows.Pixels(ml, FitStart, FitCount));
        var scores = AnomalyTestSupport.Score(ml, detector, Rows.Pixels(ml, TestStart, TestCount));

        var naive = new NaiveNeighbours(Codes(FitStart, FitCount));
        var test = Codes(TestStart, TestCount);
        for (int r = 0; r < TestCount; r++)
        {
            double expected = naive.Score(test[r], excluded: -1);
            Assert.True(Math.Abs(expected - scores[r].Score) <= 1e-3 * Math.Max(1, expected), $"row {r}: expected {expected}, got {scores[r].Score}");
        }
        Assert.True(scores.Max(s => s.Score) > 2 * scores.Min(s => s.Score), "scores should vary across images");
    }

    [Fact]
    public void Threshold_is_calibrated_on_leave_one_out_scores_and_the_fitting_rows_score_lower_as_they_find_themselves()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var fit = Rows.Pixels(ml, FitStart, FitCount);
        var detector = ml.AnomalyDetection.Trainers.Vae(Options(contamination: 0.1), model).Fit(fit);

        var naive = new NaiveNeighbours(Codes(FitStart, FitCount));
        var leaveOneOut = Enumerable.Range(0, FitCount).Select(r => naive.Score(naive.Codes[r], excluded: r)).ToArray();
        for (int r = 0; r < FitCount; r++)
            Assert.True(Math.Abs(leaveOneOut[r] - detector.FittedScores[r]) <= 1e-3 * Math.Max(1, leaveOneOut[r]),
                $"fitting row {r}: expected leave-one-out {leaveOneOut[r]}, got {detector.FittedScores[r]}");
        Assert.Equal(12, detector.FittedScores.Count(s => s > detector.Threshold)); // contamination 0.1 of 120

        // Scored through the pipeline, a fitting row is its own nearest neighbour (distance 0), so every score drops.
        var transformed = AnomalyTestSupport.Score(ml, detector, fit);
        for (int r = 0; r < FitCount; r++)
            Assert.True(transformed[r].Score < detector.FittedScores[r], $"fitting row {r}: {transformed[r].Score} vs leave-one-out {detector.FittedScores[r]}");
    }

    [Fact]
    public void Fewer_references_never_bring_the_neighbours_closer()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var fit = Rows.Pixels(ml, FitStart, FitCount);
        var test = Rows.Pixels(ml, TestStart, TestCount);
        var all = AnomalyTestSupport.Score(ml, ml.AnomalyDetection.Trainers.Vae(Options(), model).Fit(fit), test);
        var subsample = AnomalyTestSupport.Score(ml, ml.AnomalyDetection.Trainers.Vae(Options(maxReferences: 40), model).Fit(fit), test);
        // The whitening is fitted on all rows either way; only the reference set shrinks to a subset.
        for (int r = 0; r < TestCount; r++)
            Assert.True(subsample[r].Score >= all[r].Score * (1 - 1e-5), $"row {r}: 40 references {subsample[r].Score} < all {all[r].Score}");
        Assert.True(subsample.Zip(all).Count(p => p.First.Score > p.Second.Score * 1.01) > TestCount / 2, "a subsample should usually be farther");
    }

    [Fact]
    public void Saved_detector_loads_as_builtins_and_gives_identical_scores_on_unseen_rows()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var fit = Rows.Pixels(ml, FitStart, FitCount);
        var test = Rows.Pixels(ml, TestStart, TestCount);
        var detector = ml.AnomalyDetection.Trainers.Vae(Options(contamination: 0.2), model).Fit(fit);
        var expected = AnomalyTestSupport.Score(ml, detector, test);

        string path = Path.Combine(Path.GetTempPath(), $"vae-anomaly-knn-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(detector, fit.Schema, path);
            var fresh = new MLContext(seed: 7);
            var loaded = fresh.Model.Load(path, out _);
            Assert.IsNotType<VaeAnomalyDetectionTransformer>(loaded);
            var actual = AnomalyTestSupport.Score(fresh, loaded, test);
            Assert.Equal(expected.Select(r => r.Score), actual.Select(r => r.Score));
            Assert.Equal(expected.Select(r => r.PredictedLabel), actual.Select(r => r.PredictedLabel));
            Assert.Contains(actual, r => r.PredictedLabel);
            Assert.Contains(actual, r => !r.PredictedLabel);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fitting_on_no_more_rows_than_neighbours_names_the_option()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var e = Assert.Throws<InvalidOperationException>(() => ml.AnomalyDetection.Trainers.Vae(Options(), model).Fit(Rows.Pixels(ml, FitStart, K)));
        Assert.Contains("NeighborCount", e.Message, StringComparison.Ordinal);
        Assert.Contains($"{K + 1}", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions { NeighborCount = 0 }, model));
        Assert.Throws<ArgumentOutOfRangeException>(() => ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions { NeighborCount = 10, MaxNeighborReferences = 10 }, model));
    }

    [Fact]
    public void Works_on_an_encoder_without_a_decoder()
    {
        var ml = new MLContext(seed: 1);
        using var foreign = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        var detector = ml.AnomalyDetection.Trainers.Vae(Options(contamination: 0.1), foreign).Fit(Rows.Pixels(ml, FitStart, FitCount));
        var scores = AnomalyTestSupport.Score(ml, detector, Rows.Pixels(ml, TestStart, TestCount));
        Assert.All(scores, s => Assert.True(s.Score > 0 && float.IsFinite(s.Score)));
    }

    /// <summary>(μ, log σ²) of t10k rows from ONNX Runtime directly.</summary>
    private static double[][] Codes(int start, int count)
    {
        var ort = DirectOrt.Run(TestData.ContractVae, "image", TestData.Images(start, count), [1, 28, 28]);
        return ort["mu"].Zip(ort["logvar"], (m, l) => m.Concat(l).Select(v => (double)v).ToArray()).ToArray();
    }

    /// <summary>Textbook: shrunk sample covariance, its inverse, (a−b)ᵀΣ⁻¹(a−b) to every fitting code, sort, mean of the k first.</summary>
    private sealed class NaiveNeighbours
    {
        private readonly double[,] _inverse;

        public NaiveNeighbours(double[][] codes)
        {
            Codes = codes;
            _inverse = ScoreMatchesOrtTests.Invert(ScoreMatchesOrtTests.ShrunkCovariance(codes, shrinkage: 0.01));
        }

        public double[][] Codes { get; }

        public double Score(double[] code, int excluded) => Enumerable.Range(0, Codes.Length).Where(i => i != excluded)
            .Select(i => Distance(code, Codes[i])).Order().Take(K).Average();

        private double Distance(double[] a, double[] b)
        {
            double s = 0;
            for (int i = 0; i < a.Length; i++)
                for (int j = 0; j < a.Length; j++)
                    s += (a[i] - b[i]) * _inverse[i, j] * (a[j] - b[j]);
            return s;
        }
    }
}
