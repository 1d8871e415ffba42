using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class DemoOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_ten_kmeans_seeds()
    {
        var options = new DemoOptions().Validated();
        Assert.Equal(10, options.KMeansSeeds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void Fewer_than_one_kmeans_seed_is_refused_by_name(int seeds)
    {
        var e = Assert.Throws<ArgumentException>(() => new DemoOptions { KMeansSeeds = seeds }.Validated());
        Assert.Contains("KMeansSeeds", e.Message, StringComparison.Ordinal);
        Assert.Contains(seeds.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void A_umap_neighbourhood_of_the_point_alone_is_refused_by_name(int neighbors)
    {
        var e = Assert.Throws<ArgumentException>(() => new DemoOptions { UmapNeighbors = neighbors }.Validated());
        Assert.Contains($"UmapNeighbors must be 0 (no UMAP) or ≥ 2, got {neighbors}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_umap_neighbours_is_valid() => Assert.Equal(0, new DemoOptions { UmapNeighbors = 0 }.Validated().UmapNeighbors);
}
