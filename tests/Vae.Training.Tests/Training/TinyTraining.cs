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
        m.KlWarmupFactor.ToString("R"), m.LearningRate.ToString("R"), m.GaussianSigma?.ToString("R"),
        string.Join(",", (m.LikelihoodScales ?? Array.Empty<double>()).Select(v => v.ToString("R"))), m.Warning);
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

/// <summary>
/// Small colour sets for the colour likelihoods: each 3×28×28 image stacks three consecutive Fashion-MNIST test
/// images as its red, green and blue channels — real 8-bit pixels (levels k/255, black and white included),
/// three channels that differ, and no file outside the repository.
/// </summary>
internal static class TinyColour
{
    private static readonly Lazy<ImageSet> All = new(() => FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k"));

    /// <summary><paramref name="count"/> colour images from grayscale images 3·<paramref name="first"/> on.</summary>
    internal static ImageSet Images(int first, int count)
    {
        var gray = All.Value;
        int plane = gray.PixelsPerImage;
        var pixels = new float[count * 3 * plane];
        for (int i = 0; i < count; i++)
            for (int c = 0; c < 3; c++)
                gray.Image(3 * (first + i) + c).CopyTo(pixels.AsSpan((3 * i + c) * plane, plane));
        return new ImageSet(pixels, [], count, 3, gray.Height, gray.Width, $"fashion-mnist t10k as RGB triples [{first}, {first + count})");
    }

    internal static ImageSet Train => TrainLazy.Value;
    internal static ImageSet Validation => ValidationLazy.Value;
    private static readonly Lazy<ImageSet> TrainLazy = new(() => Images(0, 256));
    private static readonly Lazy<ImageSet> ValidationLazy = new(() => Images(256, 64));

    /// <summary>An MLP over 3×28×28 images (fast: the resume tests train it for four epochs twice).</summary>
    internal static VaeArchitecture Mlp => VaeArchitecture.Mlp(3, 28, 28, latentDim: 4, hidden: 32);

    /// <summary>A conv VAE over 3×28×28 images (the ONNX parity tests).</summary>
    internal static VaeArchitecture Conv => new VaeArchitecture(VaeKind.Conv, 3, 28, 28, LatentDim: 4, Hidden: [4, 8], ConvDense: 32).Validated();

    internal static TrainOptions Options(VaeLikelihood likelihood, int epochs, int seed = 3, string? output = null) => new()
    {
        Epochs = epochs, BatchSize = 32, Seed = seed, LearningRate = 3e-3, OutputDirectory = output, ProgressInterval = 1,
        EvaluationBatchSize = 64, Likelihood = likelihood, LearnGaussianSigmaPerChannel = likelihood == VaeLikelihood.Gaussian,
    };
}
