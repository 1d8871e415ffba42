using Microsoft.ML;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>
/// A cursor's batch buffers are sized by the rows actually read, not by BatchSize: a huge BatchSize on a few rows
/// once allocated GBs per cursor (3 GB for 1,000,000 on 8 rows). Buffers grow by doubling, so results over more
/// rows than the first buffer holds must equal those of an ordinary BatchSize.
/// </summary>
[Collection(MeasuredCollection.Name)]
public sealed class BatchMemoryTests(ITestOutputHelper output)
{
    private sealed class LabeledRow
    {
        [Microsoft.ML.Data.VectorType(784)]
        public float[] Image { get; set; } = [];
        public float Label { get; set; }
    }

    /// <summary>A view that does not know its row count (a streamed enumerable), so the cursor cannot size by it.</summary>
    private static IDataView Streamed(MLContext ml, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new LabeledRow { Image = Data.Image(3000 + i), Label = i }));

    private static Dictionary<string, List<double>> Featurize(MLContext ml, VaeModel model, IDataView data, int batchSize)
    {
        using var featurizer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions
        {
            InputColumnName = "Image", KlColumnName = "Kl", BatchSize = batchSize,
        }, model).Fit(data);
        return ColumnValues.ReadAll(featurizer.Transform(data));
    }

    [Fact]
    public void The_largest_BatchSize_on_8_rows_allocates_for_8_rows()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(Data.ContractVae);
        var data = Streamed(ml, 8);
        Assert.Null(data.GetRowCount());
        var expected = Featurize(ml, model, data, 256); // warms up ORT too
        long before = GC.GetAllocatedBytesForCurrentThread();
        var actual = Featurize(ml, model, data, VaeFeaturizerOptions.MaxBatchSize);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"featurizing 8 rows with BatchSize {VaeFeaturizerOptions.MaxBatchSize:N0} allocated {allocated:N0} bytes on the cursor's thread");
        ColumnValues.AssertIdentical(expected, actual, "BatchSize 65,536 vs 256 on 8 rows");
        // A buffer for 65,536 rows of 784 floats alone is 205 MB; 8 rows need well under 1 MB of buffers.
        Assert.True(allocated < 50_000_000, $"featurizing 8 rows with BatchSize {VaeFeaturizerOptions.MaxBatchSize:N0} allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Buffers_grow_past_their_first_size_and_give_the_same_values()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(Data.ContractVae);
        var data = Streamed(ml, 300); // the first buffer holds 64 rows: it doubles three times within one batch
        var expected = Featurize(ml, model, data, 100);
        var actual = Featurize(ml, model, data, 1000);
        Assert.Equal(300, actual["Label"].Count);
        Assert.Equal(Enumerable.Range(0, 300).Select(i => (double)i), actual["Label"]); // pass-through cache kept every row in order
        ColumnValues.AssertIdentical(expected, actual, "BatchSize 1000 (grown) vs 100");
    }
}
