using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class LatentProjectionTests
{
    [Fact]
    public void Projects_onto_the_hand_computed_components()
    {
        // Points spread along (1,1) with a little spread along (1,-1), mean (1, 2); covariance ∝
        // [[10, 6], [6, 10]] → variances 16 along (1,1)/√2 and 4 along (1,−1)/√2: shares 0.8 and 0.2.
        // Four rows make ML.NET's own centring (off by 1/n) visible: left to it, PC 1 gets 0.62, not 0.8.
        var rows = new[] { new[] { 3f, 4f }, new[] { -1f, 0f }, new[] { 2f, 1f }, new[] { 0f, 3f } };
        var projection = LatentProjection.Fit(rows, seed: 1);
        Assert.Equal(0.8, projection.VarianceShare[0], 5);
        Assert.Equal(0.2, projection.VarianceShare[1], 5);
        // Centred coordinates (signs are the PCA's choice): (3,4) − (1,2) = (2,2) → ±4/√2 along PC 1, 0 along PC 2.
        double r = 1 / Math.Sqrt(2);
        var expectedX = rows.Select(p => ((p[0] - 1) + (p[1] - 2)) * r).ToArray();
        var expectedY = rows.Select(p => ((p[0] - 1) - (p[1] - 2)) * r).ToArray();
        AssertEqualUpToSign(expectedX, projection.X, 1e-4);
        AssertEqualUpToSign(expectedY, projection.Y, 1e-4);
    }

    [Fact]
    public void First_axis_follows_the_widest_dimension_and_the_second_the_next()
    {
        var random = new Random(1);
        // Independent uniform dimensions with standard deviations 1, 10 and 3 (variances ∝ 1, 100, 9).
        var rows = Enumerable.Range(0, 2000).Select(_ => new[] { (float)random.NextDouble(), 10f * (float)random.NextDouble(), 3f * (float)random.NextDouble() }).ToArray();
        var projection = LatentProjection.Fit(rows, seed: 1);

        Assert.True(Math.Abs(Correlation(projection.X, rows.Select(p => (double)p[1]).ToArray())) > 0.99, "PC 1 should follow dimension 1");
        Assert.True(Math.Abs(Correlation(projection.Y, rows.Select(p => (double)p[2]).ToArray())) > 0.99, "PC 2 should follow dimension 2");
        Assert.True(projection.VarianceShare[0] > projection.VarianceShare[1]);
        Assert.Equal(100.0 / 110, projection.VarianceShare[0], 1);
        Assert.Equal(9.0 / 110, projection.VarianceShare[1], 1);
        Assert.Equal(rows.Length, projection.X.Length);
    }

    [Fact]
    public void Rejects_ragged_rows_and_one_dimension()
    {
        var e = Assert.Throws<ArgumentException>(() => LatentProjection.Fit(new[] { new[] { 1f, 2f }, new[] { 1f } }, seed: 1));
        Assert.Contains("2 values", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LatentProjection.Fit(new[] { new[] { 1f }, new[] { 2f } }, seed: 1));
    }

    private static void AssertEqualUpToSign(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        double sign = expected.Zip(actual).Sum(p => p.First * p.Second) < 0 ? -1 : 1;
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - sign * actual[i]) <= tolerance, $"coordinate {i}: expected ±{expected[i]}, got {actual[i]}");
    }

    private static double Correlation(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double cov = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        return cov / Math.Sqrt(a.Sum(v => (v - ma) * (v - ma)) * b.Sum(v => (v - mb) * (v - mb)));
    }
}
