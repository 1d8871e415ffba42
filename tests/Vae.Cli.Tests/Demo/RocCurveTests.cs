using Microsoft.ML;
using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class RocCurveTests
{
    [Fact]
    public void One_point_per_threshold_from_the_origin_to_one_one()
    {
        float[] scores = { 0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f };
        bool[] positive = { true, false, true, true, false, false };
        var (fpr, tpr) = RocCurve.Compute(scores, positive);
        // Walking down the scores: P, N, P, P, N, N (three of each).
        Assert.Equal(new[] { 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1 }, fpr, new Tolerance(1e-12));
        Assert.Equal(new[] { 0, 1 / 3.0, 1 / 3.0, 2 / 3.0, 1, 1, 1 }, tpr, new Tolerance(1e-12));
    }

    [Fact]
    public void Tied_scores_move_together()
    {
        var (fpr, tpr) = RocCurve.Compute(new[] { 1f, 1f, 0f }, new[] { true, false, false });
        Assert.Equal(new[] { 0, 0.5, 1 }, fpr, new Tolerance(1e-12));
        Assert.Equal(new[] { 0, 1.0, 1 }, tpr, new Tolerance(1e-12));
    }

    [Fact]
    public void Area_under_the_curve_is_ML_NET_AUROC_and_the_pair_count_with_ties()
    {
        var ml = new MLContext(seed: 1);
        var random = new Random(3);
        for (int trial = 0; trial < 30; trial++)
        {
            int n = random.Next(2, 60);
            var scores = Enumerable.Range(0, n).Select(_ => (float)random.Next(0, 8)).ToArray(); // many ties
            var positive = Enumerable.Range(0, n).Select(i => i == 0 || (i != 1 && random.Next(2) == 0)).ToArray();
            double wins = 0, pairs = 0;
            for (int a = 0; a < n; a++)
                for (int b = 0; b < n; b++)
                    if (positive[a] && !positive[b])
                    {
                        pairs++;
                        wins += scores[a] > scores[b] ? 1 : scores[a] == scores[b] ? 0.5 : 0;
                    }
            var rows = scores.Select((s, i) => new ScoredRow { Label = positive[i] ? 1 : 0, Score = s });
            double mlnet = ml.AnomalyDetection.Evaluate(ml.Data.LoadFromEnumerable(rows)).AreaUnderRocCurve;

            var (fpr, tpr) = RocCurve.Compute(scores, positive);
            double area = 0;
            for (int i = 1; i < fpr.Length; i++) area += (fpr[i] - fpr[i - 1]) * (tpr[i] + tpr[i - 1]) / 2;

            Assert.Equal(wins / pairs, mlnet, 12);
            Assert.Equal(wins / pairs, area, 12);
        }
    }

    [Fact]
    public void Needs_both_classes_and_comparable_scores()
    {
        Assert.Throws<ArgumentException>(() => RocCurve.Compute(new[] { 1f, 2f }, new[] { true, true }));
        Assert.Throws<ArgumentException>(() => RocCurve.Compute(new[] { 1f, float.NaN }, new[] { true, false }));
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(double obj) => 0;
    }

    // The columns ML.NET's anomaly evaluator reads: a Single label (> 0 = anomaly), the score and a predicted label.
    private sealed class ScoredRow
    {
        public float Label { get; set; }
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }
}
