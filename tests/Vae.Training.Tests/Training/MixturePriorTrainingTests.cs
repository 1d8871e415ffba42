using Vae.MLNet;
using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

/// <summary>Training under a mixture prior: when its components are placed, and that checkpoints carry them exactly.</summary>
[Collection(TrainingCollection.Name)]
public sealed class MixturePriorTrainingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mixture-prior-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static VaeArchitecture Architecture => TinyTraining.Architecture with { PriorComponents = 3 };

    private static TrainOptions Options(int epochs, string? output = null) => TinyTraining.Options(epochs, seed: 4, output) with { PriorInitEpochs = 1 };

    private static float[] Means(VaeTrainer trainer) => trainer.Network.Prior!.Means.detach().flatten().data<float>().ToArray();

    [Fact]
    public void ComponentsStayStandardNormalUntilTheInitEpochThenSpreadAndLearn()
    {
        using var trainer = new VaeTrainer(Architecture, Options(epochs: 2));
        using (var cancel = new CancellationTokenSource())
        {
            // Stopped halfway through epoch 1: the prior is still the fixed N(0, I) (no gradient reached it).
            trainer.Train(TinyTraining.Train, progress: new SyncProgress<TrainProgress>(p => { if (p.Epoch == 1 && p.Batch == 4) cancel.Cancel(); }), cancellationToken: cancel.Token);
        }
        Assert.Equal(0, trainer.CompletedEpochs);
        Assert.All(Means(trainer), m => Assert.Equal(0f, m));
        Assert.All(trainer.Network.Prior!.LogVars.detach().flatten().data<float>().ToArray(), v => Assert.Equal(0f, v));

        using var longer = new VaeTrainer(Architecture, Options(epochs: 3));
        var result = longer.Train(TinyTraining.Train, TinyTraining.Validation);
        var prior = longer.Network.Prior!;
        var means = prior.Means.detach();
        // Placed by k-means: three distinct components, weights that sum to 1, finite KL in every epoch.
        Assert.True((means[0] - means[1]).norm().item<float>() > 0.1 && (means[1] - means[2]).norm().item<float>() > 0.1);
        Assert.Equal(1.0, nn.functional.softmax(prior.Logits.detach(), 0).sum().item<float>(), 1e-5);
        Assert.All(result.History, m => Assert.True(double.IsFinite(m.TrainKl) && m.TrainKl > 0));
        // The KL reported is the mixture's: compare with the prior's own formula on the validation codes.
        using var scope = NewDisposeScope();
        var (mu, logVar) = VaeEvaluator.EncodeAll(longer.Network, TinyTraining.Validation, 128);
        double expected;
        using (no_grad()) expected = prior.Kl(mu, logVar).Kl.mean().item<float>();
        Assert.Equal(expected, longer.Evaluate(TinyTraining.Validation).Kl, 1e-3);
    }

    [Theory]
    [InlineData(1)] // cancelled right after the components were placed, before epoch 2's first step: the checkpoint carries them
    [InlineData(2)] // a finished 2-epoch run, continued to 3
    public void ResumeEqualsAnUninterruptedRunIncludingThePrior(int firstEpochs)
    {
        using var straight = new VaeTrainer(Architecture, Options(3));
        var expected = straight.Train(TinyTraining.Train, TinyTraining.Validation);

        string dir = Path.Combine(_dir, $"run{firstEpochs}");
        using (var first = new VaeTrainer(Architecture, Options(firstEpochs == 1 ? 3 : 2, dir)))
        using (var cancel = new CancellationTokenSource())
        {
            var atEndOfEpoch1 = new SyncProgress<TrainProgress>(p => { if (firstEpochs == 1 && p.Epoch == 1 && p.Batch == p.BatchesPerEpoch) cancel.Cancel(); });
            first.Train(TinyTraining.Train, TinyTraining.Validation, atEndOfEpoch1, cancel.Token);
            Assert.Equal(firstEpochs, first.CompletedEpochs);
        }
        using var resumed = VaeTrainer.Resume(Path.Combine(dir, VaeTrainer.CheckpointFileName), o => o with { Epochs = 3 });
        Assert.Equal(Architecture.ToString(), resumed.Architecture.ToString());
        Assert.Contains(";prior=mixture3", resumed.Architecture.ToString(), StringComparison.Ordinal);
        var actual = resumed.Train(TinyTraining.Train, TinyTraining.Validation);

        TinyTraining.AssertBitIdentical(TinyTraining.Weights(straight), TinyTraining.Weights(resumed));
        Assert.Equal(expected.History.Select(TinyTraining.Comparable), actual.History.Select(TinyTraining.Comparable));
        Assert.NotEqual(0f, Means(resumed).Select(Math.Abs).Max());
    }

    [Fact]
    public void FreeBitsASingleComponentAndAPriorThatWouldNeverBePlacedAreRefusedNamingTheSetting()
    {
        var never = Assert.Throws<ArgumentException>(() => new VaeTrainer(Architecture, Options(1)));
        Assert.Contains("PriorInitEpochs (1) must be below Epochs (1)", never.Message);
        var e = Assert.Throws<ArgumentException>(() => new VaeTrainer(Architecture, Options(1) with { FreeBits = 0.5 }));
        Assert.Contains("mixture prior", e.Message);
        var one = Assert.Throws<ArgumentException>(() => (TinyTraining.Architecture with { PriorComponents = 1 }).Validated());
        Assert.Contains("Prior components", one.Message);
        Assert.Throws<ArgumentException>(() => (Options(1) with { PriorInitEpochs = -1 }).Validated());
    }
}
