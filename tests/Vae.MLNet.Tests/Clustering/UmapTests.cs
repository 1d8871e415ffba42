
namespace Vae.MLNet.Tests.Clustering;

public class UmapTests
{
    private static readonly UmapOptions Small = new() { Neighbors = 10, Components = 2, MinDistance = 0, Epochs = 200, Seed = 1 };

    [Fact]
    public void The_same_seed_gives_the_same_embedding_and_another_seed_another()
    {
        var points = ClusteringData.Gaussian(120, 6, seed: 4);
        var first = Umap.Embed(points, Small);
        var again = Umap.Embed(points, Small);
        var other = Umap.Embed(points, Small with { Seed = 2 });

        Assert.Equal(120, first.Points.Count);
        Assert.All(first.Points, p => Assert.Equal(2, p.Length));
        Assert.All(first.Points.SelectMany(p => p), v => Assert.True(float.IsFinite(v)));
        Assert.Equal(first.Points.SelectMany(p => p), again.Points.SelectMany(p => p));
        Assert.NotEqual(first.Points.SelectMany(p => p), other.Points.SelectMany(p => p));
    }

    [Fact]
    public void Several_seeds_at_once_give_what_each_seed_gives_alone()
    {
        var points = ClusteringData.Gaussian(80, 4, seed: 9);
        var both = Umap.Embed(points, Small, [3, 7]);
        Assert.Equal([3, 7], both.Select(e => e.Seed));
        Assert.Equal(both[0].NeighborSeconds, both[1].NeighborSeconds); // one shared search
        foreach (var embedding in both)
            Assert.Equal(Umap.Embed(points, Small with { Seed = embedding.Seed }).Points.SelectMany(p => p), embedding.Points.SelectMany(p => p));
        Assert.Throws<ArgumentException>(() => Umap.Embed(points, Small, []));
    }

    [Fact]
    public void Neighbours_in_the_data_stay_neighbours_in_the_embedding()
    {
        // Three well-separated blobs in 20 dimensions: each point's nearest embedded neighbours are of its own blob.
        var random = new Random(5);
        var points = new List<float[]>();
        var labels = new List<int>();
        for (int blob = 0; blob < 3; blob++)
            for (int i = 0; i < 60; i++)
            {
                points.Add(Enumerable.Range(0, 20).Select(d => (float)((d == blob ? 10 : 0) + ClusteringData.Normal(random))).ToArray());
                labels.Add(blob);
            }
        var embedded = Umap.Embed(points, Small).Points;
        int sameBlob = 0;
        for (int i = 0; i < embedded.Count; i++)
        {
            int nearest = Enumerable.Range(0, embedded.Count).Where(j => j != i)
                .MinBy(j => embedded[i].Zip(embedded[j], (a, b) => (a - b) * (a - b)).Sum());
            if (labels[nearest] == labels[i]) sameBlob++;
        }
        Assert.Equal(embedded.Count, sameBlob);
    }

    [Fact]
    public void Clustering_settings_are_N2Ds()
    {
        var options = UmapOptions.ForClustering(clusters: 7, neighbors: 15);
        Assert.Equal((15, 7, 0.0), (options.Neighbors, options.Components, options.MinDistance));
        Assert.Equal(new UmapOptions().Spread, options.Spread); // the rest as umap-learn
        Assert.Equal(20, UmapOptions.ForClustering(10).Neighbors);
    }

    [Fact]
    public void Bad_points_are_named()
    {
        var points = ClusteringData.Gaussian(30, 3, seed: 6);
        points[3][1] = float.NaN;
        var nan = Assert.Throws<ArgumentException>(() => Umap.Embed(points, Small, "column 'Mu'"));
        Assert.Contains("column 'Mu': point 3 has NaN at dimension 1; expected finite values", nan.Message);

        points[3] = [1f, 2f];
        var ragged = Assert.Throws<ArgumentException>(() => Umap.Embed(points, Small, "column 'Mu'"));
        Assert.Contains("column 'Mu': point 3 has 2 values; expected 3 like point 0", ragged.Message);

        var few = Assert.Throws<ArgumentException>(() => Umap.Embed(ClusteringData.Gaussian(9, 3, 7), Small, "column 'Mu'"));
        Assert.Contains("column 'Mu': UMAP with 10 neighbours per point needs at least 10 points; got 9", few.Message);

        var empty = Assert.Throws<ArgumentException>(() => Umap.Embed([], Small, "column 'Mu'"));
        Assert.Contains("column 'Mu': no points to embed", empty.Message);
    }

    [Theory]
    [InlineData(1, 2, 0.0, 1.0, "Neighbors must be ≥ 2")]
    [InlineData(10, 0, 0.0, 1.0, "Components must be ≥ 1")]
    [InlineData(10, 2, -0.1, 1.0, "MinDistance must be ≥ 0")]
    [InlineData(10, 2, 2.0, 1.0, "MinDistance (2) must not exceed Spread (1)")]
    [InlineData(10, 2, 0.0, 0.0, "Spread must be > 0")]
    public void Impossible_settings_are_named(int neighbors, int components, double minDistance, double spread, string message)
    {
        var options = new UmapOptions { Neighbors = neighbors, Components = components, MinDistance = minDistance, Spread = spread };
        var error = Assert.Throws<ArgumentException>(() => Umap.Embed(ClusteringData.Gaussian(30, 3, 8), options));
        Assert.Contains(message, error.Message);
    }
}
