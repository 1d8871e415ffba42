using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

/// <summary>Tiny, fast training setups on the embedded Fashion-MNIST test split.</summary>
internal static class TinyTraining
{
    private static readonly Lazy<ImageSet> All = new(() => FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k"));

    /// <summary>The first 512 images.</summary>
    internal static ImageSet Train => TrainLazy.Value;
    /// <summary>Images 512..767.</summary>
    internal static ImageSet Validation => ValidationLazy.Value;

    private static readonly Lazy<ImageSet> TrainLazy = new(() => All.Value.Take(512));
    private static readonly Lazy<ImageSet> ValidationLazy = new(() => All.Value.Subset(Enumerable.Range(512, 256).ToArray(), "validation"));

    internal static VaeArchitecture Architecture => VaeArchitecture.Mlp(latentDim: 4, hidden: 32);

    internal static TrainOptions Options(int epochs = 2, int seed = 1, string? output = null) => new()
    {
        Epochs = epochs, BatchSize = 64, Seed = seed, LearningRate = 3e-3, OutputDirectory = output, ProgressInterval = 1,
        EvaluationBatchSize = 128, Likelihood = VaeLikelihood.Bernoulli,
    };

    /// <summary>All parameter values, flattened, in registration order.</summary>
    internal static float[][] Weights(VaeTrainer trainer) =>
        trainer.Network.parameters().Concat(trainer.Loss.Parameters())
            .Select(p => p.detach().cpu().flatten().data<float>().ToArray()).ToArray();

    internal static void AssertBitIdentical(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i].Length, actual[i].Length);
            for (int j = 0; j < expected[i].Length; j++)
                if (BitConverter.SingleToInt32Bits(expected[i][j]) != BitConverter.SingleToInt32Bits(actual[i][j]))
                    Assert.Fail($"parameter {i}, element {j}: {expected[i][j]:R} != {actual[i][j]:R}");
        }
    }

    /// <summary>Epoch metrics without the wall-clock fields, for exact comparison.</summary>
    internal static string Comparable(EpochMetrics m) => string.Join("|",
        m.Epoch, m.TrainReconstruction.ToString("R"), m.TrainKl.ToString("R"), m.TrainTotal.ToString("R"),
        string.Join(",", m.TrainKlPerDimension.Select(v => v.ToString("R"))),
        m.ValidationReconstruction?.ToString("R"), m.ValidationKl?.ToString("R"), m.ActiveUnits,
        string.Join(",", (m.ValidationKlPerDimension ?? Array.Empty<double>()).Select(v => v.ToString("R"))),
        m.KlWarmupFactor.ToString("R"), m.LearningRate.ToString("R"), m.GaussianSigma?.ToString("R"), m.Warning);
}

/// <summary>An <see cref="IProgress{T}"/> that reports synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>Training tests share libtorch's global thread pool; run them one after another.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TrainingCollection
{
    public const string Name = "Training";
}
