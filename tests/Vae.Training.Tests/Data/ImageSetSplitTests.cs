using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

public class ImageSetSplitTests
{
    private static ImageSet Numbered(int count)
    {
        // Image i holds the value i / count in its single pixel, and label i, so parts can be traced back.
        var pixels = Enumerable.Range(0, count).Select(i => (float)i / count).ToArray();
        return new ImageSet(pixels, Enumerable.Range(0, count).ToArray(), count, 1, 1, 1, "numbers");
    }

    [Fact]
    public void SplitIsADisjointCoverWithTheRequestedFraction()
    {
        var (train, validation) = Numbered(100).Split(0.25, seed: 3);
        Assert.Equal(75, train.Count);
        Assert.Equal(25, validation.Count);
        Assert.Equal(Enumerable.Range(0, 100), train.Labels.Concat(validation.Labels).Order());
        for (int i = 0; i < validation.Count; i++)
            Assert.Equal(validation.Labels[i] / 100f, validation.Image(i)[0]);
        Assert.Equal(validation.Labels.Order(), validation.Labels); // original order kept
    }

    [Fact]
    public void SameSeedSameSplitOtherSeedOtherSplit()
    {
        var set = Numbered(200);
        Assert.Equal(set.Split(0.1, 1).Validation.Labels, set.Split(0.1, 1).Validation.Labels);
        Assert.NotEqual(set.Split(0.1, 1).Validation.Labels, set.Split(0.1, 2).Validation.Labels);
    }

    [Fact]
    public void BadFractionsAndTinySetsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(0, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Numbered(10).Split(double.NaN, 1));
        Assert.Throws<InvalidOperationException>(() => Numbered(1).Split(0.5, 1));
        Assert.Equal(1, Numbered(10).Split(0.01, 1).Validation.Count); // at least one each side
    }
}
