using Microsoft.ML;
using Vae.MLNet;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

/// <summary>Every score kind recomputed independently from ONNX Runtime's outputs of the same images.</summary>
public sealed class ScoreMatchesOrtTests
{
    private const int Start = 8000, Count = 120;

    [Fact]
    public void ReconstructionError_score_is_the_onnx_reconstruction_error()
    {
        var (scores, ort, _) = Run(VaeAnomalyScoreKind.ReconstructionError);
        for (int r = 0; r < Count; r++)
            DirectOrt.AssertClose(ort["reconstruction_error"][r], [scores[r].Score], 1e-5, $"score row {r}");
    }

    [Fact]
    public void ReconstructionDivergence_score_is_the_onnx_error_minus_the_pixel_entropy()
    {
        var (scores, ort, _) = Run(VaeAnomalyScoreKind.ReconstructionDivergence);
        var divergences = Divergences(ort);
        for (int r = 0; r < Count; r++)
            Assert.True(Math.Abs(divergences[r] - scores[r].Score) < 1e-3, $"row {r}: expected {divergences[r]}, got {scores[r].Score}");
        // Not a shifted copy of the error: the entropy differs by image, so the two scores rank images differently.
        var errors = ort["reconstruction_error"].Select(e => (double)e[0]).ToArray();
        Assert.NotEqual(Ranks(errors), Ranks(divergences));
    }

    /// <summary>BCE − Σ H(x) by hand, in double, from ONNX Runtime's error and the pixels.</summary>
    private static double[] Divergences(Dictionary<string, float[][]> ort)
    {
        var images = TestData.Images(Start, Count);
        return Enumerable.Range(0, Count).Select(r =>
            ort["reconstruction_error"][r][0] - TestData.PixelEntropy(images[r])).ToArray();
    }

    private static int[] Ranks(double[] values) => values.Select((v, i) => (v, i)).OrderBy(p => p.v).Select(p => p.i).ToArray();

    [Fact]
    public void NegativeElbo_score_is_error_plus_kl()
    {
        var (scores, ort, _) = Run(VaeAnomalyScoreKind.NegativeElbo);
        for (int r = 0; r < Count; r++)
            DirectOrt.AssertClose([ort["reconstruction_error"][r][0] + ort["kl"][r][0]], [scores[r].Score], 1e-5, $"score row {r}");
    }

    [Fact]
    public void Mahalanobis_score_is_the_squared_distance_to_the_shrunk_gaussian_of_the_fitted_mu()
    {
        var (scores, ort, _) = Run(VaeAnomalyScoreKind.Mahalanobis);
        var distances = NaiveMahalanobis(ort["mu"], shrinkage: 0.01);
        for (int r = 0; r < Count; r++)
            DirectOrt.AssertClose([(float)distances[r]], [scores[r].Score], 1e-4, $"score row {r}");
        Assert.True(distances.Max() > 2 * distances.Min(), "distances should vary across images");
    }

    [Fact]
    public void Combined_score_is_the_weighted_sum_of_fitted_z_scores_of_log_divergence_and_log_distance_of_mu_and_logvar()
    {
        var (scores, ort, _) = Run(VaeAnomalyScoreKind.Combined);
        var codes = ort["mu"].Zip(ort["logvar"], (m, l) => m.Concat(l).ToArray()).ToArray();
        var logDistances = NaiveMahalanobis(codes, shrinkage: 0.01).Select(d => Math.Log(d)).ToArray();
        var logErrors = Divergences(ort).Select(d => Math.Log(d)).ToArray();
        var z1 = ZScores(logErrors);
        var z2 = ZScores(logDistances);
        double w = AnomalyScoreFunction.CombinedLatentWeight;
        for (int r = 0; r < Count; r++)
            Assert.True(Math.Abs(z1[r] + w * z2[r] - scores[r].Score) < 1e-3, $"row {r}: expected {z1[r] + w * z2[r]}, got {scores[r].Score}");
    }

    [Fact]
    public void Score_is_scalar_single_and_predicted_label_is_boolean()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, 20);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(VaeAnomalyScoreKind.Combined), model).Fit(data);
        var schema = detector.GetOutputSchema(data.Schema);
        Assert.Equal(Microsoft.ML.Data.NumberDataViewType.Single, schema["Score"].Type);
        Assert.Equal(Microsoft.ML.Data.BooleanDataViewType.Instance, schema["PredictedLabel"].Type);
        Assert.DoesNotContain(schema, c => c.Name.StartsWith("VaeAnomaly.", StringComparison.Ordinal) && !c.IsHidden);
        Assert.NotNull(schema.GetColumnOrNull("Pixels"));
    }

    private static (List<ScoredRow> Scores, Dictionary<string, float[][]> Ort, VaeAnomalyDetectionTransformer Detector) Run(VaeAnomalyScoreKind kind)
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, Count);
        using var model = VaeModel.Load(TestData.ContractVae);
        var detector = ml.AnomalyDetection.Trainers.Vae(AnomalyTestSupport.Options(kind), model).Fit(data);
        var scores = AnomalyTestSupport.Score(ml, detector, data);
        Assert.Equal(Count, scores.Count);
        Assert.Equal(scores.Select(s => s.Score), detector.FittedScores); // what Fit calibrated on is what Transform gives
        var ort = DirectOrt.Run(TestData.ContractVae, "image", TestData.Images(Start, Count), [1, 28, 28]);
        return (scores, ort, detector);
    }

    /// <summary>Textbook: mean, sample covariance, shrinkage, Gauss–Jordan inverse, dᵀΣ⁻¹d.</summary>
    internal static double[] NaiveMahalanobis(float[][] mu, double shrinkage)
    {
        var codes = mu.Select(m => m.Select(v => (double)v).ToArray()).ToArray();
        int k = codes[0].Length;
        var mean = Enumerable.Range(0, k).Select(j => codes.Average(m => m[j])).ToArray();
        var inv = Invert(ShrunkCovariance(codes, shrinkage));
        return codes.Select(m =>
        {
            double s = 0;
            for (int a = 0; a < k; a++)
                for (int b = 0; b < k; b++)
                    s += (m[a] - mean[a]) * inv[a, b] * (m[b] - mean[b]);
            return s;
        }).ToArray();
    }

    /// <summary>Sample covariance shrunk toward its average variance: (1−λ)·S + λ·(tr S / k)·I.</summary>
    internal static double[,] ShrunkCovariance(double[][] codes, double shrinkage)
    {
        int n = codes.Length, k = codes[0].Length;
        var mean = Enumerable.Range(0, k).Select(j => codes.Average(m => m[j])).ToArray();
        var cov = new double[k, k];
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                cov[a, b] = codes.Sum(m => (m[a] - mean[a]) * (m[b] - mean[b])) / (n - 1);
        double average = Enumerable.Range(0, k).Sum(j => cov[j, j]) / k;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                cov[a, b] = (1 - shrinkage) * cov[a, b] + (a == b ? shrinkage * average : 0);
        return cov;
    }

    internal static double[] ZScores(double[] x)
    {
        double mean = x.Average();
        double std = Math.Sqrt(x.Sum(v => (v - mean) * (v - mean)) / (x.Length - 1));
        return x.Select(v => (v - mean) / std).ToArray();
    }

    internal static double[,] Invert(double[,] a)
    {
        int k = a.GetLength(0);
        var m = new double[k, 2 * k];
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
                m[i, j] = a[i, j];
            m[i, k + i] = 1;
        }
        for (int c = 0; c < k; c++)
        {
            int pivot = Enumerable.Range(c, k - c).MaxBy(r => Math.Abs(m[r, c]));
            for (int j = 0; j < 2 * k; j++)
                (m[c, j], m[pivot, j]) = (m[pivot, j], m[c, j]);
            double p = m[c, c];
            for (int j = 0; j < 2 * k; j++)
                m[c, j] /= p;
            for (int r = 0; r < k; r++)
            {
                if (r == c) continue;
                double f = m[r, c];
                for (int j = 0; j < 2 * k; j++)
                    m[r, j] -= f * m[c, j];
            }
        }
        var inv = new double[k, k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                inv[i, j] = m[i, k + j];
        return inv;
    }
}
