
namespace Vae.MLNet.Tests.Clustering;

public class FuzzySimplicialSetTests
{
    [Fact]
    public void Every_point_sees_log2_k_of_membership_beyond_its_nearest_neighbour()
    {
        const int k = 8;
        var (_, distances) = ExactNearestNeighbors.Find(ExactNearestNeighborsTests.PointMatrixOf(ClusteringData.Gaussian(200, 5, 2)), k);
        var (sigma, rho) = FuzzySimplicialSet.SmoothDistances(distances, k);
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(distances[i * k + 1], rho[i]); // no duplicates here: ρ is the nearest other point
            double sum = 0;
            for (int j = 1; j < k; j++) sum += Math.Exp(-Math.Max(0, distances[i * k + j] - rho[i]) / sigma[i]);
            Assert.Equal(Math.Log2(k), sum, 3);
        }
    }

    [Fact]
    public void Graph_is_the_fuzzy_union_of_the_directed_memberships_listed_both_ways()
    {
        // Points on a line at uneven gaps, so that neighbourhoods are not mutual.
        float[][] points = [[0f], [1f], [1.5f], [4f], [4.2f], [9f]];
        const int k = 3;
        var (indices, distances) = ExactNearestNeighbors.Find(ExactNearestNeighborsTests.PointMatrixOf(points), k);
        var (sigma, rho) = FuzzySimplicialSet.SmoothDistances(distances, k);
        var graph = FuzzySimplicialSet.Build(indices, distances, k, epochs: 1_000_000); // no pruning at this many epochs

        double Directed(int i, int j)
        {
            for (int m = 1; m < k; m++)
                if (indices[i * k + m] == j) return Math.Exp(-Math.Max(0, distances[i * k + m] - rho[i]) / sigma[i]);
            return 0;
        }
        var edges = Enumerable.Range(0, graph.Weight.Length).ToDictionary(e => (graph.Head[e], graph.Tail[e]), e => (double)graph.Weight[e]);
        for (int i = 0; i < points.Length; i++)
            for (int j = 0; j < points.Length; j++)
            {
                double expected = Directed(i, j) + Directed(j, i) - Directed(i, j) * Directed(j, i);
                Assert.Equal(expected, edges.GetValueOrDefault((i, j)), 5);
            }
        Assert.Contains((5, 3), edges.Keys); // 9 lists 4 as a neighbour; 4 does not list 9, yet the edge goes both ways
        Assert.Contains((3, 5), edges.Keys);
        Assert.Equal(edges.Keys.OrderBy(e => e.Item1).ThenBy(e => e.Item2), edges.Keys);
    }

    [Fact]
    public void Edges_too_weak_to_be_sampled_once_are_dropped()
    {
        var points = ClusteringData.Gaussian(100, 4, 3);
        const int k = 10;
        var (indices, distances) = ExactNearestNeighbors.Find(ExactNearestNeighborsTests.PointMatrixOf(points), k);
        var all = FuzzySimplicialSet.Build(indices, distances, k, epochs: 1_000_000);
        var pruned = FuzzySimplicialSet.Build(indices, distances, k, epochs: 4);
        float max = all.Weight.Max();
        Assert.Equal(all.Weight.Count(w => w >= max / 4), pruned.Weight.Length);
        Assert.True(pruned.Weight.Length < all.Weight.Length);
        Assert.All(pruned.Weight, w => Assert.True(w >= max / 4));
    }
}
