using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class AugmentationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("augmentation-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One 1x2x3 grayscale image 1..6 (row-major), white background by default.
    private static ImageSet Small(string background = "#FFFFFF") =>
        new(new float[] { 0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f }, Array.Empty<int>(), 1, 1, 2, 3, "small", null,
            new VaeImagePreprocessing { ColorMode = VaeColorMode.Grayscale, Background = background });

    [Fact]
    public void Augmentation_is_off_by_default()
    {
        var defaults = new TrainOptions();
        Assert.False(defaults.AugmentFlip);
        Assert.Equal(0, defaults.AugmentShift);
        Assert.Null(ImageAugmentation.For(TinyTraining.Train, defaults));
    }

    [Fact]
    public void Draws_depend_only_on_seed_epoch_and_position()
    {
        var options = new TrainOptions { Seed = 7, AugmentFlip = true, AugmentShift = 2 };
        var a = ImageAugmentation.For(TinyTraining.Train, options)!;
        var b = ImageAugmentation.For(TinyTraining.Train, options)!;
        var draws = Enumerable.Range(0, 200).Select(p => a.Draw(epoch: 3, p)).ToArray();
        Assert.Equal(draws, Enumerable.Range(0, 200).Select(p => b.Draw(epoch: 3, p)));
        Assert.NotEqual(draws, Enumerable.Range(0, 200).Select(p => a.Draw(epoch: 4, p)));
        Assert.NotEqual(draws, Enumerable.Range(0, 200).Select(p => ImageAugmentation.For(TinyTraining.Train, options with { Seed = 8 })!.Draw(3, p)));
        // Both flips and every offset in [-2, 2] occur, nothing outside.
        Assert.Equal([false, true], draws.Select(d => d.Flip).Distinct().Order());
        Assert.Equal(Enumerable.Range(-2, 5), draws.Select(d => d.Dx).Distinct().Order());
        Assert.Equal(Enumerable.Range(-2, 5), draws.Select(d => d.Dy).Distinct().Order());
    }

    [Fact]
    public void Flip_mirrors_rows_and_shift_pads_with_the_background_as_the_preprocessor_makes_it()
    {
        var set = Small("#336699");
        var augmentation = ImageAugmentation.For(set, new TrainOptions { Seed = 1, AugmentFlip = true, AugmentShift = 1 })!;
        // Background: luma of (0x33, 0x66, 0x99) rounded to a byte, as a transparent pixel becomes, then /255.
        float background = (byte)MathF.Round(0.299f * 0x33 + 0.587f * 0x66 + 0.114f * 0x99) / 255f;
        Assert.Equal([background], ImageAugmentation.Background(set));

        int position = Enumerable.Range(0, 1000).First(p => augmentation.Draw(0, p) == (true, 1, 0));
        var image = set.Image(0);
        augmentation.Apply(image, 0, position, new float[6]);
        // Mirrored: rows 3 2 1 / 6 5 4; then moved one pixel right: the left column is background.
        Assert.Equal([background, 0.3f, 0.2f, background, 0.6f, 0.5f], image);

        position = Enumerable.Range(0, 1000).First(p => augmentation.Draw(0, p) == (false, 0, -1));
        image = set.Image(0);
        augmentation.Apply(image, 0, position, new float[6]);
        Assert.Equal([0.4f, 0.5f, 0.6f, background, background, background], image); // moved up one row
    }

    [Fact]
    public void Training_batches_are_augmented_and_evaluation_is_not()
    {
        var set = TinyTraining.Train.Take(64);
        int[] order = Enumerable.Range(0, 64).ToArray();
        var augmentation = ImageAugmentation.For(set, new TrainOptions { Seed = 2, AugmentFlip = true });
        using var plain = new BatchLoader(set, 64);
        using var augmented = new BatchLoader(set, 64, prefetch: true, augmentation);
        using var scope = NewDisposeScope();
        float[] x = plain.Batch(order, 0).data<float>().ToArray(), y = augmented.Batch(order, 0, epoch: 0).data<float>().ToArray();
        for (int i = 0; i < 64; i++)
        {
            var original = x.AsSpan(i * 784, 784).ToArray();
            var seen = y.AsSpan(i * 784, 784).ToArray();
            var mirrored = Enumerable.Range(0, 784).Select(p => original[p / 28 * 28 + 27 - p % 28]).ToArray();
            Assert.Equal(augmentation!.Draw(0, i).Flip ? mirrored : original, seen);
        }
        // The evaluator builds its loader without augmentation: the same network gives the same result with or without it.
        using var a = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options() with { AugmentFlip = true, AugmentShift = 2 });
        using var b = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options());
        Assert.Equal(b.Evaluate(TinyTraining.Validation).Total, a.Evaluate(TinyTraining.Validation).Total);
    }

    [Fact]
    public void An_augmented_run_cancelled_mid_epoch_resumes_exactly()
    {
        var options = TinyTraining.Options(epochs: 3) with { AugmentFlip = true, AugmentShift = 2 };
        using var straight = new VaeTrainer(TinyTraining.Architecture, options);
        var expected = straight.Train(TinyTraining.Train, TinyTraining.Validation);
        using var unaugmented = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 3));
        var plain = unaugmented.Train(TinyTraining.Train, TinyTraining.Validation);
        Assert.NotEqual(plain.History.Select(TinyTraining.Comparable), expected.History.Select(TinyTraining.Comparable)); // it is in effect

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainProgress>(p => { if (p.Epoch == 2 && p.Batch == 3 && p.CompletedEpoch is null) cts.Cancel(); });
        TrainResult stopped;
        using (var first = new VaeTrainer(TinyTraining.Architecture, options with { OutputDirectory = _dir }))
            stopped = first.Train(TinyTraining.Train, TinyTraining.Validation, progress, cts.Token);
        Assert.True(stopped.Cancelled);
        using var resumed = VaeTrainer.Resume(stopped.CheckpointPath!);
        Assert.True(resumed.Options.AugmentFlip);
        var finished = resumed.Train(TinyTraining.Train, TinyTraining.Validation);

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), finished.History.Select(TinyTraining.Comparable));
    }

    [Fact]
    public void A_shift_as_large_as_the_image_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageAugmentation.For(Small(), new TrainOptions { AugmentShift = 2 }));
        Assert.Contains("AugmentShift 2", e.Message);
        Assert.Throws<ArgumentException>(() => new TrainOptions { AugmentShift = -1 }.Validated());
    }
}
