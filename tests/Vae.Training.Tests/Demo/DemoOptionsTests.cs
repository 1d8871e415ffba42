using Vae.Training.Demo;

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
}
