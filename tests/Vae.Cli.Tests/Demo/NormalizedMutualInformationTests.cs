using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class NormalizedMutualInformationTests
{
    [Fact]
    public void Matches_the_hand_computation()
    {
        int[] truth = { 0, 0, 0, 1, 1, 1 };
        int[] clusters = { 0, 0, 1, 1, 2, 2 };
        // Contingency: (0,0)=2 (0,1)=1 (1,1)=1 (1,2)=2, n=6; rows 3,3; columns 2,2,2.
        double mutual = 2.0 / 6 * Math.Log(2.0 * 6 / (3 * 2)) + 1.0 / 6 * Math.Log(1.0 * 6 / (3 * 2))
                      + 1.0 / 6 * Math.Log(1.0 * 6 / (3 * 2)) + 2.0 / 6 * Math.Log(2.0 * 6 / (3 * 2)); // = (2/3) ln 2
        double hTruth = -2 * (0.5 * Math.Log(0.5));         // ln 2
        double hClusters = -3 * (1.0 / 3 * Math.Log(1.0 / 3)); // ln 3
        double expected = mutual / ((hTruth + hClusters) / 2);
        Assert.Equal(0.515804, expected, 6); // (4/3)·ln2 / ln6, also scikit-learn's value
        Assert.Equal(expected, NormalizedMutualInformation.Compute(truth, clusters), 12);
    }

    [Fact]
    public void Is_symmetric_and_ignores_label_names()
    {
        int[] a = { 0, 0, 1, 1, 2, 2, 2 };
        int[] b = { 5, 5, 5, 7, 9, 9, 7 };
        Assert.Equal(NormalizedMutualInformation.Compute(a, b), NormalizedMutualInformation.Compute(b, a), 12);
        Assert.Equal(1.0, NormalizedMutualInformation.Compute(a, a.Select(x => 10 - x).ToArray()), 12);
    }

    [Fact]
    public void Independent_labelings_score_zero()
    {
        int[] a = { 0, 0, 1, 1 };
        int[] b = { 0, 1, 0, 1 };
        Assert.Equal(0.0, NormalizedMutualInformation.Compute(a, b), 12);
    }

    [Fact]
    public void ML_NET_normalises_by_the_class_entropy_alone()
    {
        // The hand case above: I = (2/3)·ln 2 and H(classes) = ln 2, so ML.NET's NMI is 2/3 where the
        // arithmetic mean of the entropies gives 0.5158; the demo reports both, each named by its normalisation.
        int[] truth = { 0, 0, 0, 1, 1, 1 };
        int[] clusters = { 0, 0, 1, 1, 2, 2 };
        var ml = new MLContext(seed: 1);
        // The evaluator assigns each row to its lowest-scoring cluster (the KMeans distance).
        var rows = truth.Select((t, i) => new ClusteredRow { Label = t, Score = Enumerable.Range(0, 3).Select(c => c == clusters[i] ? 0f : 1f).ToArray() });
        double mlnet = ml.Clustering.Evaluate(ml.Data.LoadFromEnumerable(rows), labelColumnName: nameof(ClusteredRow.Label)).NormalizedMutualInformation;
        Assert.Equal(2.0 / 3, mlnet, 6);
        Assert.Equal(0.515804, NormalizedMutualInformation.Compute(truth, clusters), 6);
    }

    private sealed class ClusteredRow
    {
        public float Label { get; set; }
        [VectorType(3)] public float[] Score { get; set; } = [];
    }

    [Fact]
    public void Rejects_mismatched_lengths()
    {
        var e = Assert.Throws<ArgumentException>(() => NormalizedMutualInformation.Compute(new[] { 1, 2 }, new[] { 1 }));
        Assert.Contains("2 true vs 1 predicted", e.Message, StringComparison.Ordinal);
    }
}
