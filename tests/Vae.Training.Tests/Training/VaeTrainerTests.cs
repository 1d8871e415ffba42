using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;

namespace Vae.Training.Tests.Training;

[Collection(TrainingCollection.Name)]
public sealed class VaeTrainerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("trainer-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TrainingLowersValidationLossAndLogsBothTerms()
    {
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 3));
        var before = trainer.Evaluate(TinyTraining.Validation);
        var result = trainer.Train(TinyTraining.Train, TinyTraining.Validation);

        Assert.Equal(3, result.History.Count);
        var last = result.History[^1];
        Assert.True(last.ValidationTotal < result.History[0].ValidationTotal, $"validation −ELBO {result.History[0].ValidationTotal} → {last.ValidationTotal}");
        Assert.True(last.ValidationTotal < before.Total - 50, $"untrained {before.Total}, trained {last.ValidationTotal}");
        Assert.All(result.History, m =>
        {
            Assert.Equal(m.TrainReconstruction + m.TrainKl, m.TrainTotal, 9);
            Assert.Equal(m.ValidationReconstruction!.Value + m.ValidationKl!.Value, m.ValidationTotal!.Value, 9);
            Assert.Equal(4, m.TrainKlPerDimension.Count);
            Assert.Equal(m.TrainKl, m.TrainKlPerDimension.Sum(), 4);
            Assert.Equal(m.ValidationKl!.Value, m.ValidationKlPerDimension!.Sum(), 4);
            Assert.InRange(m.ActiveUnits!.Value, 0, 4);
            Assert.True(m.ImagesPerSecond > 0);
            Assert.True(m.TrainKl > 0);
        });
        // The per-epoch validation numbers are what the evaluator reports for the final weights.
        var after = trainer.Evaluate(TinyTraining.Validation);
        Assert.Equal(after.Total, last.ValidationTotal!.Value, 9);
        Assert.Equal(after.ActiveUnits, last.ActiveUnits);
        Assert.Null(result.CheckpointPath);
        Assert.False(result.Cancelled);
    }

    [Fact]
    public void SameSeedGivesIdenticalWeightsOtherSeedDifferent()
    {
        float[][] Run(int seed)
        {
            using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1, seed: seed));
            trainer.Train(TinyTraining.Train);
            return TinyTraining.Weights(trainer);
        }
        var a = Run(5);
        TinyTraining.AssertBitIdentical(a, Run(5));
        var c = Run(6);
        Assert.Contains(Enumerable.Range(0, a.Length), i => !a[i].SequenceEqual(c[i]));
    }

    [Theory]
    [InlineData(VaeLikelihood.Bernoulli, false)]
    [InlineData(VaeLikelihood.Gaussian, true)]
    public void ResumeAfterTwoEpochsEqualsFourUninterruptedEpochs(VaeLikelihood likelihood, bool learnSigma)
    {
        TrainOptions Options(int epochs, string? output) => TinyTraining.Options(epochs, seed: 11, output) with
        {
            Likelihood = likelihood, LearnGaussianSigma = learnSigma, GaussianSigma = 0.3, KlWarmup = 3, FreeBits = learnSigma ? 0.05 : 0,
        };

        using var straight = new VaeTrainer(TinyTraining.Architecture, Options(4, null));
        var expected = straight.Train(TinyTraining.Train, TinyTraining.Validation);

        string dir = Path.Combine(_dir, "run");
        using (var first = new VaeTrainer(TinyTraining.Architecture, Options(2, dir)))
            first.Train(TinyTraining.Train, TinyTraining.Validation);
        using var resumed = VaeTrainer.Resume(Path.Combine(dir, VaeTrainer.CheckpointFileName), o => o with { Epochs = 4 });
        Assert.Equal(2, resumed.CompletedEpochs);
        var actual = resumed.Train(TinyTraining.Train, TinyTraining.Validation);

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), actual.History.Select(TinyTraining.Comparable));
        if (learnSigma)
        {
            Assert.NotEqual(0.3, actual.GaussianSigma!.Value, 6); // σ did move
            Assert.Equal(expected.GaussianSigma, actual.GaussianSigma);
        }
    }

    [Theory]
    [InlineData(VaeLikelihood.Gaussian)]
    [InlineData(VaeLikelihood.Laplace)]
    [InlineData(VaeLikelihood.DiscretizedLogistic)]
    public void ResumeWithALearnedScalePerChannelEqualsUninterruptedTraining(VaeLikelihood likelihood)
    {
        TrainOptions Options(int epochs, string? output) => TinyColour.Options(likelihood, epochs, seed: 11, output) with { KlWarmup = 3 };

        using var straight = new VaeTrainer(TinyColour.Mlp, Options(4, null));
        var expected = straight.Train(TinyColour.Train, TinyColour.Validation);

        string dir = Path.Combine(_dir, "per-channel");
        using (var first = new VaeTrainer(TinyColour.Mlp, Options(2, dir)))
            first.Train(TinyColour.Train, TinyColour.Validation);
        using var resumed = VaeTrainer.Resume(Path.Combine(dir, VaeTrainer.CheckpointFileName), o => o with { Epochs = 4 });
        Assert.Equal(2, resumed.CompletedEpochs);
        var actual = resumed.Train(TinyColour.Train, TinyColour.Validation);

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), actual.History.Select(TinyTraining.Comparable));
        Assert.Equal(expected.LikelihoodScales, actual.LikelihoodScales);
        Assert.Null(actual.GaussianSigma);
        var scales = actual.LikelihoodScales!;
        Assert.Equal(3, scales.Count);
        Assert.All(scales, s => Assert.NotEqual(0.1, s, 3)); // the scales did move…
        Assert.True(scales.Max() - scales.Min() > 1e-4, $"…each channel its own way: {string.Join(", ", scales)}");
        Assert.Equal(scales, actual.History[^1].LikelihoodScales);
    }

    [Fact]
    public void CancellationMidEpochWithALearnedScalePerChannelResumesExactly()
    {
        var options = TinyColour.Options(VaeLikelihood.DiscretizedLogistic, epochs: 2, seed: 4);
        using var straight = new VaeTrainer(TinyColour.Mlp, options);
        var expected = straight.Train(TinyColour.Train, TinyColour.Validation);

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainProgress>(p => { if (p.Epoch == 2 && p.Batch == 3 && p.CompletedEpoch is null) cts.Cancel(); });
        TrainResult stopped;
        using (var first = new VaeTrainer(TinyColour.Mlp, options with { OutputDirectory = _dir }))
            stopped = first.Train(TinyColour.Train, TinyColour.Validation, progress, cts.Token);
        Assert.True(stopped.Cancelled);
        using var resumed = VaeTrainer.Resume(stopped.CheckpointPath!);
        var finished = resumed.Train(TinyColour.Train, TinyColour.Validation);

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), finished.History.Select(TinyTraining.Comparable));
    }

    [Theory]
    [InlineData(1, VaeLikelihood.Bernoulli)]
    [InlineData(3, VaeLikelihood.DiscretizedLogistic)]
    public void WithoutALikelihoodTheTrainerChoosesByTheChannels(int channels, VaeLikelihood expected)
    {
        var architecture = channels == 1 ? TinyTraining.Architecture : TinyColour.Mlp;
        using var trainer = new VaeTrainer(architecture, TinyTraining.Options(epochs: 1) with { Likelihood = null });
        Assert.Equal(expected, trainer.Options.Likelihood);
        Assert.Equal(expected, trainer.Loss.Likelihood);
        Assert.Equal(expected, TrainOptions.DefaultLikelihood(channels));
        Assert.Equal(channels == 1 ? 0 : 3, trainer.Loss.LogScale?.shape[0] ?? 0);
    }

    [Fact]
    public void CosineScheduleDecaysTheRateStepByStepAndAResumedRunStaysOnTheCurve()
    {
        TrainOptions Options(string? output) => TinyTraining.Options(4, seed: 5, output) with { LearningRateSchedule = LearningRateSchedule.Cosine };
        using var straight = new VaeTrainer(TinyTraining.Architecture, Options(null));
        var expected = straight.Train(TinyTraining.Train, TinyTraining.Validation);
        // 512 images in batches of 64: 8 steps per epoch, 32 in all; the last step of epoch e is step 8e + 7.
        for (int e = 0; e < 4; e++)
            Assert.Equal(3e-3 * 0.5 * (1 + Math.Cos(Math.PI * (8 * e + 7) / 32.0)), expected.History[e].LearningRate, 15);

        // Stopped after 2 of the 4 epochs, then resumed: the rate continues on the 4-epoch curve.
        string dir = Path.Combine(_dir, "cosine");
        using var stop = new CancellationTokenSource();
        using (var first = new VaeTrainer(TinyTraining.Architecture, Options(dir)))
            first.Train(TinyTraining.Train, TinyTraining.Validation, new SyncProgress<TrainProgress>(p => { if (p.CompletedEpoch?.Epoch == 2) stop.Cancel(); }), stop.Token);
        using var resumed = VaeTrainer.Resume(Path.Combine(dir, VaeTrainer.CheckpointFileName));
        Assert.Equal(2, resumed.CompletedEpochs);
        var actual = resumed.Train(TinyTraining.Train, TinyTraining.Validation);
        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), actual.History.Select(TinyTraining.Comparable));

        // The schedule is in effect: the same run at a constant rate ends on other weights.
        using var constant = new VaeTrainer(TinyTraining.Architecture, Options(null) with { LearningRateSchedule = LearningRateSchedule.Constant });
        constant.Train(TinyTraining.Train);
        var (a, c) = (TinyTraining.Weights(straight), TinyTraining.Weights(constant));
        Assert.Contains(Enumerable.Range(0, a.Length), i => !a[i].SequenceEqual(c[i]));
    }

    [Fact]
    public void CancellationMidEpochSavesACheckpointThatResumesExactly()
    {
        using var straight = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 3));
        var expected = straight.Train(TinyTraining.Train, TinyTraining.Validation);

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress<TrainProgress>(p => { if (p.Epoch == 2 && p.Batch == 3 && p.CompletedEpoch is null) cts.Cancel(); });
        TrainResult stopped;
        using (var first = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 3, output: _dir)))
            stopped = first.Train(TinyTraining.Train, TinyTraining.Validation, progress, cts.Token);

        Assert.True(stopped.Cancelled);
        Assert.Single(stopped.History);
        Assert.NotNull(stopped.CheckpointPath);
        using var resumed = VaeTrainer.Resume(stopped.CheckpointPath!);
        Assert.Equal(1, resumed.CompletedEpochs);
        var finished = resumed.Train(TinyTraining.Train, TinyTraining.Validation);

        Assert.False(finished.Cancelled);
        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), finished.History.Select(TinyTraining.Comparable));
    }

    [Fact]
    public void CancelledTrainerWithoutOutputFolderContinuesExactlyWhenTrainIsCalledAgain()
    {
        using var straight = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2));
        straight.Train(TinyTraining.Train);

        using var cts = new CancellationTokenSource();
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2));
        var stopped = trainer.Train(TinyTraining.Train, null, new SyncProgress<TrainProgress>(p => { if (p.Epoch == 1 && p.Batch == 5) cts.Cancel(); }), cts.Token);
        Assert.True(stopped.Cancelled);
        Assert.Empty(stopped.History);
        Assert.Null(stopped.CheckpointPath);

        Assert.Throws<InvalidOperationException>(() => trainer.Train(TinyTraining.Validation)); // must be the same data
        var finished = trainer.Train(TinyTraining.Train);
        Assert.Equal(2, finished.History.Count);
        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(trainer));
    }

    [Fact]
    public void DivergenceStopsNamingEpochAndBatchAndKeepsTheLastGoodCheckpoint()
    {
        float[][] good;
        using (var first = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1, output: _dir)))
        {
            first.Train(TinyTraining.Train);
            good = TinyTraining.Weights(first);
        }
        string checkpoint = Path.Combine(_dir, VaeTrainer.CheckpointFileName);

        using (var exploding = VaeTrainer.Resume(checkpoint, o => o with { Epochs = 3, LearningRate = 1e30 }))
        {
            var e = Assert.Throws<TrainingDivergedException>(() => exploding.Train(TinyTraining.Train));
            Assert.Equal(2, e.Epoch);
            Assert.InRange(e.Batch, 2, 8); // the first huge step is finite; the next forward pass overflows
            Assert.Contains($"epoch 2, batch {e.Batch}", e.Message);
            Assert.Contains(checkpoint, e.Message);
            Assert.Equal(checkpoint, e.CheckpointPath);
        }

        using var reloaded = VaeTrainer.Resume(checkpoint);
        Assert.Equal(1, reloaded.CompletedEpochs);
        TinyTraining.AssertBitIdentical(good, TinyTraining.Weights(reloaded));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void PoisonedOrMisshapenInputIsRejectedBeforeTraining()
    {
        var clean = TinyTraining.Train.Take(100);
        float[] pixels = clean.CopyPixels(0, clean.Count); // a float store: a byte store cannot hold NaN
        pixels[5 * 784 + 17] = float.NaN;
        var poisoned = new ImageSet(pixels, clean.Labels, clean.Count, 1, 28, 28, "poisoned");
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1));
        var e = Assert.Throws<ArgumentException>(() => trainer.Train(poisoned));
        Assert.Contains("image 5, pixel 17", e.Message);

        var wrongShape = new Vae.Training.Data.ImageSet(new float[2 * 16], Array.Empty<int>(), 2, 1, 4, 4, "small");
        var shape = Assert.Throws<ArgumentException>(() => trainer.Train(wrongShape));
        Assert.Contains("1x4x4", shape.Message);
        Assert.Contains("1x28x28", shape.Message);
    }

    [Fact]
    public void CheckpointIsAtomicAndDamagedFilesAreNamed()
    {
        using (var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2, output: _dir)))
            trainer.Train(TinyTraining.Train);

        Assert.Equal(
            new[] { VaeTrainer.CheckpointFileName, VaeTrainer.MetricsCsvFileName, VaeTrainer.MetricsJsonFileName }.Order(StringComparer.Ordinal),
            Directory.EnumerateFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        byte[] intact = File.ReadAllBytes(Path.Combine(_dir, VaeTrainer.CheckpointFileName));
        string torn = Path.Combine(_dir, "torn.vaeckpt");
        File.WriteAllBytes(torn, intact[..(intact.Length / 2)]);
        var e1 = Assert.Throws<InvalidDataException>(() => VaeTrainer.Resume(torn));
        Assert.Contains(torn, e1.Message);

        string garbage = Path.Combine(_dir, "garbage.vaeckpt");
        File.WriteAllBytes(garbage, Enumerable.Range(0, 5000).Select(i => (byte)(i * 37)).ToArray());
        var e2 = Assert.Throws<InvalidDataException>(() => VaeTrainer.Resume(garbage));
        Assert.Contains(garbage, e2.Message);

        // A flipped byte inside the stored weights is caught by the zip CRC.
        byte[] flipped = (byte[])intact.Clone();
        flipped[intact.Length / 2] ^= 0x55;
        string damaged = Path.Combine(_dir, "damaged.vaeckpt");
        File.WriteAllBytes(damaged, flipped);
        var e3 = Assert.Throws<InvalidDataException>(() => VaeTrainer.Resume(damaged));
        Assert.Contains(damaged, e3.Message);

        Assert.Throws<FileNotFoundException>(() => VaeTrainer.Resume(Path.Combine(_dir, "missing.vaeckpt")));
    }

    [Fact]
    public void ResumeRefusesOtherDataAndChangedModelSettings()
    {
        using (var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1, output: _dir)))
            trainer.Train(TinyTraining.Train);
        string checkpoint = Path.Combine(_dir, VaeTrainer.CheckpointFileName);

        Assert.Throws<ArgumentException>(() => VaeTrainer.Resume(checkpoint, o => o with { Beta = 4 }));
        using var resumed = VaeTrainer.Resume(checkpoint, o => o with { Epochs = 2 });
        var e = Assert.Throws<InvalidOperationException>(() => resumed.Train(TinyTraining.Validation));
        Assert.Contains("same training data", e.Message);
    }

    [Fact]
    public void ConvCheckpointKeepsDenseWidthDepthHeadAndActivationAndResumesTheSameWeights()
    {
        var architecture = new VaeArchitecture(VaeKind.Conv, 1, 28, 28, LatentDim: 2, Hidden: [4, 8], ConvDense: 16, ConvDepth: 2, ConvHead: 3, Activation: VaeActivation.Elu).Validated();
        float[][] weights;
        using (var trainer = new VaeTrainer(architecture, TinyTraining.Options(epochs: 1, output: _dir)))
        {
            trainer.Train(TinyTraining.Train);
            weights = TinyTraining.Weights(trainer);
            // Two 3×3 refinements per resolution (14×14, 7×7), in the encoder and the decoder: 8 extra convolutions.
            Assert.Equal(8, trainer.Network.named_modules().Count(m => m.name.Contains("_refine", StringComparison.Ordinal) && m.module is TorchSharp.Modules.Conv2d));
            // The head: the last transposed convolution widens to 3 channels at 28×28, a 3×3 convolution writes the image.
            var head = Assert.Single(trainer.Network.named_modules(), m => m.name.EndsWith("head", StringComparison.Ordinal)).module;
            Assert.Equal(new long[] { 1, 3, 3, 3 }, ((TorchSharp.Modules.Conv2d)head).weight!.shape);
            Assert.Empty(trainer.Network.modules().OfType<TorchSharp.Modules.ReLU>());
        }
        using var resumed = VaeTrainer.Resume(Path.Combine(_dir, VaeTrainer.CheckpointFileName));
        Assert.Equal(architecture.ToString(), resumed.Network.Architecture.ToString());
        Assert.Contains(";dense=16;depth=2;head=3;act=elu", architecture.ToString(), StringComparison.Ordinal);
        Assert.Equal(VaeActivation.Elu, resumed.Network.Architecture.Activation);
        Assert.NotEmpty(resumed.Network.modules().OfType<TorchSharp.Modules.ELU>());
        TinyTraining.AssertBitIdentical(weights, TinyTraining.Weights(resumed));
    }

    [Fact]
    public void MetricsJsonAndCsvHoldTheReturnedHistory()
    {
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2, output: _dir) with { KlWarmup = 2 });
        var result = trainer.Train(TinyTraining.Train, TinyTraining.Validation);
        Assert.Equal(new[] { 0.5, 1.0 }, result.History.Select(m => m.KlWarmupFactor));

        var json = MetricsLog.ReadJson(result.MetricsJsonPath!);
        Assert.Equal(TinyTraining.Architecture.ToString(), json.Architecture);
        Assert.Equal(trainer.Options, json.Options);
        Assert.Equal(result.History.Select(TinyTraining.Comparable), json.Epochs.Select(TinyTraining.Comparable));
        Assert.Equal(result.History.Select(m => m.ImagesPerSecond), json.Epochs.Select(m => m.ImagesPerSecond));

        string[] lines = File.ReadAllLines(result.MetricsCsvPath!);
        string[] header = lines[0].Split(',');
        Assert.Equal(MetricsLog.CsvHeader(4), lines[0]);
        Assert.Equal(3, lines.Length);
        for (int r = 0; r < 2; r++)
        {
            var m = result.History[r];
            var cells = header.Zip(lines[r + 1].Split(',')).ToDictionary(p => p.First, p => p.Second);
            double Cell(string name) => double.Parse(cells[name], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(m.Epoch, Cell("epoch"));
            Assert.Equal(m.TrainReconstruction, Cell("train_reconstruction"));
            Assert.Equal(m.TrainKl, Cell("train_kl"));
            Assert.Equal(m.TrainTotal, Cell("train_total"));
            Assert.Equal(m.ValidationTotal, Cell("validation_total"));
            Assert.Equal(m.ActiveUnits, (int)Cell("active_units"));
            Assert.Equal(m.ImagesPerSecond, Cell("images_per_second"));
            Assert.Equal(m.KlWarmupFactor, Cell("kl_warmup_factor"));
            Assert.Equal(3e-3, Cell("learning_rate")); // constant schedule
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(m.TrainKlPerDimension[i], Cell($"train_kl_{i}"));
                Assert.Equal(m.ValidationKlPerDimension![i], Cell($"validation_kl_{i}"));
            }
            Assert.Equal("", cells["gaussian_sigma"]);
        }
    }

    [Fact]
    public void ProgressReportsBatchesAndEpochs()
    {
        var reports = new List<TrainProgress>();
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 2) with { ProgressInterval = 3 });
        trainer.Train(TinyTraining.Train, null, new SyncProgress<TrainProgress>(reports.Add));

        // 512 / 64 = 8 batches: reports after batches 3, 6, 8, then the epoch summary — per epoch.
        var batchReports = reports.Where(r => r.CompletedEpoch is null).ToList();
        Assert.Equal(new[] { 3, 6, 8, 3, 6, 8 }, batchReports.Select(r => r.Batch));
        Assert.All(reports, r => Assert.Equal(8, r.BatchesPerEpoch));
        var epochs = reports.Where(r => r.CompletedEpoch != null).ToList();
        Assert.Equal(new[] { 1, 2 }, epochs.Select(r => r.CompletedEpoch!.Epoch));
        Assert.All(batchReports, r => Assert.True(r.Reconstruction > 0 && r.Kl > 0));
        // The last batch report of an epoch carries the epoch's final running means.
        Assert.Equal(epochs[0].CompletedEpoch!.TrainReconstruction, batchReports[2].Reconstruction, 9);
        Assert.Null(epochs[0].CompletedEpoch!.ValidationTotal);
    }
}
