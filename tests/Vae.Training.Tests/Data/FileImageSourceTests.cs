using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Tests.Support;
using Vae.Training.Tests.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Data;

[Collection(TrainingCollection.Name)]
public sealed class FileImageSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("on-the-fly-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // 96 Fashion-MNIST images as 28x28 gray PNGs, in two class folders.
    private string WriteFashionPngs()
    {
        var fashion = FashionMnist.LoadEmbeddedTest().Take(96);
        var store = (ByteImageStore)fashion.Store;
        for (int i = 0; i < fashion.Count; i++)
        {
            string dir = Directory.CreateDirectory(Path.Combine(_root, i % 2 == 0 ? "even" : "odd")).FullName;
            PngWriter.Write(Path.Combine(dir, $"{i:D3}.png"), PngWriter.ColorType.Gray, 28, 28, store.ImageBytes(i).ToArray().Select(b => (int)b).ToArray());
        }
        return _root;
    }

    [Fact]
    public void An_opened_folder_reads_the_same_pixels_and_batches_as_the_loaded_one()
    {
        string root = WriteFashionPngs();
        var preprocessing = new VaeImagePreprocessing { ColorMode = VaeColorMode.Grayscale };
        var loaded = ImageFolderLoader.Load(root, 28, 28, preprocessing);
        var opened = ImageFolderLoader.Open(root, 28, 28, preprocessing);

        Assert.IsType<FileImageSource>(opened.Store);
        Assert.Equal(0, opened.StoredBytes);
        Assert.Equal(loaded.Labels, opened.Labels);
        Assert.Equal(loaded.ClassNames, opened.ClassNames);
        Assert.Equal(loaded.CopyPixels(0, loaded.Count), opened.CopyPixels(0, opened.Count));

        int[] order = Enumerable.Range(0, loaded.Count).Reverse().ToArray();
        using var fromMemory = new BatchLoader(loaded, batchSize: 40);
        using var fromFiles = new BatchLoader(opened, batchSize: 40, prefetch: true);
        for (int b = 0; b < fromMemory.BatchCount; b++)
        {
            using var scope = NewDisposeScope();
            Assert.Equal(fromMemory.Batch(order, b).data<float>().ToArray(), fromFiles.Batch(order, b).data<float>().ToArray());
        }

        var (train, validation) = opened.Split(0.25, seed: 5);
        Assert.IsType<FileImageSource>(train.Store);
        var (memoryTrain, _) = loaded.Split(0.25, seed: 5);
        Assert.Equal(memoryTrain.CopyPixels(0, memoryTrain.Count), train.CopyPixels(0, train.Count));
        Assert.Equal(24, validation.Count);
    }

    [Fact]
    public void Training_on_files_decoded_per_batch_gives_the_losses_of_training_in_memory()
    {
        string root = WriteFashionPngs();
        var loaded = ImageFolderLoader.Load(root, 28, 28, VaeColorMode.Grayscale);
        var opened = ImageFolderLoader.Open(root, 28, 28, new VaeImagePreprocessing());
        var options = TinyTraining.Options(epochs: 2) with { BatchSize = 32 };

        using var memory = new VaeTrainer(TinyTraining.Architecture, options);
        var expected = memory.Train(loaded, loaded.Take(16));
        using var files = new VaeTrainer(TinyTraining.Architecture, options);
        var actual = files.Train(opened, opened.Take(16));

        Assert.Equal(expected.History.Select(TinyTraining.Comparable), actual.History.Select(TinyTraining.Comparable));
        TinyTraining.AssertBitIdentical(TinyTraining.Weights(memory), TinyTraining.Weights(files));
    }

    [Fact]
    public void A_bad_file_is_named_when_it_is_read()
    {
        File.WriteAllBytes(Path.Combine(_root, "broken.png"), [1, 2, 3]);
        var opened = ImageFolderLoader.Open(_root, 4, 4, new VaeImagePreprocessing());
        var e = Assert.Throws<InvalidDataException>(() => opened.Image(0));
        Assert.Contains("broken.png", e.Message);
    }
}
