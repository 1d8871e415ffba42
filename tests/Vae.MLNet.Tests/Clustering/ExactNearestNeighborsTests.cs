
namespace Vae.MLNet.Tests.Clustering;

public class ExactNearestNeighborsTests
{
    [Fact]
    public void Finds_what_sorting_all_distances_finds_with_each_point_first()
    {
        var points = ClusteringData.Gaussian(60, 3, seed: 1);
        points[10] = (float[])points[20].Clone(); // a duplicate: distance 0 to another point
        const int k = 7;
        var (indices, distances) = ExactNearestNeighbors.Find(PointMatrixOf(points), k);

        for (int i = 0; i < points.Length; i++)
        {
            var expected = Enumerable.Range(0, points.Length)
                .Select(j => (Index: j, Distance: Math.Sqrt(points[i].Zip(points[j], (a, b) => (double)(a - b) * (a - b)).Sum())))
                .OrderBy(p => p.Index == i ? -1 : p.Distance).ThenBy(p => p.Index)
                .Take(k).ToArray();
            Assert.Equal(expected.Select(p => p.Index), indices.Skip(i * k).Take(k));
            for (int m = 0; m < k; m++) Assert.Equal(expected[m].Distance, distances[i * k + m], 1e-5); // float sums vs double
        }
        Assert.Equal(10, indices[20 * k + 1]); // the duplicate is its twin's nearest other point
        Assert.Equal(0f, distances[20 * k + 1]);
    }

    [Fact]
    public void More_neighbours_than_points_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => ExactNearestNeighbors.Find(PointMatrixOf(ClusteringData.Gaussian(5, 2, 1)), 6));
        Assert.Contains("6 neighbours per point need at least 6 points; got 5", error.Message);
    }

    internal static PointMatrix PointMatrixOf(float[][] points) => PointMatrix.From(points, "test points");
}
