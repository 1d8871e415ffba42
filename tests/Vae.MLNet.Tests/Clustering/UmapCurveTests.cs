
namespace Vae.MLNet.Tests.Clustering;

public class UmapCurveTests
{
    // Independent values: umap-learn 0.5.3's find_ab_params (scipy.optimize.curve_fit), Debian 12's umap-learn package:
    // /usr/bin/python3 -c "from umap.umap_ import find_ab_params as f; print(f(1.0, 0.0), f(1.0, 0.1), f(2.0, 0.5))"
    [Theory]
    [InlineData(1.0, 0.0, 1.9328083975546724, 0.7904949734010681)]
    [InlineData(1.0, 0.1, 1.5769434601962196, 0.8950608779914887)]
    [InlineData(2.0, 0.5, 0.25887874119038884, 1.057499699581397)]
    public void Matches_umap_learn(double spread, double minDistance, double a, double b)
    {
        var (fitA, fitB) = UmapCurve.Fit(spread, minDistance);
        Assert.Equal(a, fitA, 3);
        Assert.Equal(b, fitB, 3);
    }
}
