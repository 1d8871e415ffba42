using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class PrincipalComponentsTests
{
    [Fact]
    public void Finds_the_hand_computed_components()
    {
        // Points spread along (1,1) with a little spread along (1,-1); covariance (n−1 = 3):
        // [[10/3, 2], [2, 10/3]] → eigenvalues 16/3 along (1,1)/√2 and 4/3 along (1,−1)/√2.
        var rows = new[] { new[] { 3f, 4f }, new[] { -1f, 0f }, new[] { 2f, 1f }, new[] { 0f, 3f } }; // mean (1, 2)
        var pca = PrincipalComponents.Fit(rows);
        Assert.Equal(1.0, pca.Mean[0], 12);
        Assert.Equal(2.0, pca.Mean[1], 12);
        Assert.Equal(16.0 / 3, pca.Variances[0], 9);
        Assert.Equal(4.0 / 3, pca.Variances[1], 9);
        double r = 1 / Math.Sqrt(2);
        Assert.Equal(r, pca.Components[0][0], 9);
        Assert.Equal(r, pca.Components[0][1], 9);
        Assert.Equal(r, pca.Components[1][0], 9);
        Assert.Equal(-r, pca.Components[1][1], 9);
        var projected = pca.Project(rows[0]); // (3,4) − (1,2) = (2,2)
        Assert.Equal(4 * r, projected[0], 9);
        Assert.Equal(0.0, projected[1], 9);
    }

    [Fact]
    public void Orders_a_diagonal_covariance_by_variance()
    {
        var random = new Random(1);
        var rows = Enumerable.Range(0, 400).Select(_ => new[] { (float)random.NextDouble(), 10f * (float)random.NextDouble(), 3f * (float)random.NextDouble() }).ToArray();
        var pca = PrincipalComponents.Fit(rows);
        Assert.True(Math.Abs(pca.Components[0][1]) > 0.99, "first component should follow the widest axis (index 1)");
        Assert.True(Math.Abs(pca.Components[1][2]) > 0.99, "second component should follow index 2");
        Assert.True(pca.Variances[0] > pca.Variances[1] && pca.Variances[1] > pca.Variances[2]);
    }

    [Fact]
    public void Rejects_ragged_rows()
    {
        var e = Assert.Throws<ArgumentException>(() => PrincipalComponents.Fit(new[] { new[] { 1f, 2f }, new[] { 1f } }));
        Assert.Contains("2 values", e.Message, StringComparison.Ordinal);
    }
}
