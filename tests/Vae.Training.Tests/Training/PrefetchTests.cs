using Vae.Training.Data;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

[Collection(TrainingCollection.Name)]
public class PrefetchTests
{
    private static float[][] Batches(BatchLoader loader, IReadOnlyList<int> order, IEnumerable<int> batches, int epoch = 0)
    {
        using var scope = NewDisposeScope();
        return batches.Select(b => loader.Batch(order, b, epoch).data<float>().ToArray()).ToArray();
    }

    [Fact]
    public void Prefetched_batches_equal_batches_read_on_demand_whatever_the_call_order()
    {
        var set = TinyTraining.Train.Take(200);
        int[] order = Enumerable.Range(0, set.Count).ToArray();
        new Random(3).Shuffle(order);
        using var plain = new BatchLoader(set, 64);
        using var prefetching = new BatchLoader(set, 64, prefetch: true);

        int[] sequence = [0, 1, 2, 3];
        Assert.Equal(Batches(plain, order, sequence), Batches(prefetching, order, sequence));
        // Out of order and repeated: the prefetched batch is not the one asked for and is discarded.
        int[] jumps = [2, 0, 0, 3, 1];
        Assert.Equal(Batches(plain, order, jumps), Batches(prefetching, order, jumps));
        // The caller reshuffles its order in place after batch 0 was returned (batch 1 already prefetched).
        float[] expected0 = Batches(plain, order, [0])[0];
        using (NewDisposeScope())
            Assert.Equal(expected0, prefetching.Batch(order, 0).data<float>().ToArray());
        Array.Reverse(order);
        Assert.Equal(Batches(plain, order, [1]), Batches(prefetching, order, [1]));
        // The batch holds the images asked for.
        Assert.Equal(set.Image(order[64]), Batches(prefetching, order, [1])[0].AsSpan(0, set.PixelsPerImage).ToArray());
    }

    [Fact]
    public void Disposing_with_a_prefetch_in_flight_is_clean()
    {
        var set = TinyTraining.Train;
        int[] order = Enumerable.Range(0, set.Count).ToArray();
        var loader = new BatchLoader(set, 64, prefetch: true);
        using (NewDisposeScope())
            loader.Batch(order, 0);
        loader.Dispose(); // batch 1 is being prepared: cancelled and awaited, no exception
    }

    [Fact]
    public void Training_with_prefetch_gives_the_losses_and_weights_of_training_without()
    {
        using var with = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2) with { Prefetch = true });
        var a = with.Train(TinyTraining.Train, TinyTraining.Validation);
        using var without = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2) with { Prefetch = false });
        var b = without.Train(TinyTraining.Train, TinyTraining.Validation);
        Assert.Equal(a.History.Select(TinyTraining.Comparable), b.History.Select(TinyTraining.Comparable));
        TinyTraining.AssertBitIdentical(TinyTraining.Weights(with), TinyTraining.Weights(without));
    }
}
