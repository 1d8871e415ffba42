using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class RocCurveTests
{
    [Fact]
    public void Area_equals_the_fraction_of_correctly_ordered_pairs()
    {
        float[] scores = { 0.9f, 0.8f, 0.7f, 0.6f, 0.55f, 0.4f };
        bool[] positive = { true, false, true, true, false, false };
        // Pairs (positive, negative) with the positive scored higher: 0.9>{0.8,0.55,0.4}=3, 0.7>{0.55,0.4}=2, 0.6>{0.55,0.4}=2 → 7 of 9.
        var (fpr, tpr, auc) = RocCurve.Compute(scores, positive);
        Assert.Equal(7.0 / 9, auc, 12);
        Assert.Equal(0.0, fpr[0]);
        Assert.Equal(1.0, fpr[^1]);
        Assert.Equal(1.0, tpr[^1]);
    }

    [Fact]
    public void Ties_count_half()
    {
        var (_, _, auc) = RocCurve.Compute(new[] { 1f, 1f }, new[] { true, false });
        Assert.Equal(0.5, auc, 12);
    }
}
