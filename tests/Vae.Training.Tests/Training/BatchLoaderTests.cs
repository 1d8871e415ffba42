using Vae.Training.Data;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

public class BatchLoaderTests
{
    [Fact]
    public void BatchesHoldTheRequestedImagesInOrderAndTheLastBatchIsShort()
    {
        // 5 images of 1x2x2, image i filled with i + pixel/10.
        var pixels = Enumerable.Range(0, 20).Select(p => p / 4 + (p % 4) / 10f).ToArray();
        var set = new ImageSet(pixels, Array.Empty<int>(), 5, 1, 2, 2, "five");
        using var loader = new BatchLoader(set, batchSize: 2);
        int[] order = { 4, 0, 3, 1, 2 };
        Assert.Equal(3, loader.BatchCount);

        using var scope = NewDisposeScope();
        var first = loader.Batch(order, 0);
        Assert.Equal(new long[] { 2, 1, 2, 2 }, first.shape);
        Assert.Equal(set.Image(4).ToArray().Concat(set.Image(0).ToArray()), first.data<float>().ToArray());
        var last = loader.Batch(order, 2);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, last.shape);
        Assert.Equal(set.Image(2).ToArray(), last.data<float>().ToArray());
    }
}
