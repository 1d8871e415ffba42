using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training.Export;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Onnx;

/// <summary>Shared fixtures of the export tests: real images, tiny networks, an ONNX Runtime runner, tolerant comparisons.</summary>
internal static class OnnxTestSupport
{
    private static readonly Lazy<ImageSet> LazyImages = new(() => FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k").Take(64));

    /// <summary>The first 64 Fashion-MNIST test images.</summary>
    public static ImageSet Images => LazyImages.Value;

    public static VaeArchitecture TinyArchitecture(VaeKind kind, int convDepth = 0, int convHead = 0, VaeActivation activation = VaeActivation.Relu) => kind == VaeKind.Mlp
        ? VaeArchitecture.Mlp(latentDim: 4, hidden: 32) with { Activation = activation }
        : new VaeArchitecture(VaeKind.Conv, 1, 28, 28, LatentDim: 4, Hidden: [4, 8], ConvDense: 32, ConvDepth: convDepth, ConvHead: convHead, Activation: activation).Validated();

    public static VaeNetwork TinyNetwork(VaeKind kind, long seed = 7, int convDepth = 0, int convHead = 0, VaeActivation activation = VaeActivation.Relu)
    {
        manual_seed(seed);
        var network = new VaeNetwork(TinyArchitecture(kind, convDepth, convHead, activation));
        network.eval();
        return network;
    }

    public static VaeExportInfo Info(VaeLikelihood likelihood) => new()
    {
        Likelihood = likelihood,
        GaussianSigma = likelihood == VaeLikelihood.Gaussian ? 0.2 : null,
        Beta = 0.75,
        Dataset = "fashion-mnist/t10k[:64] (test fixture)",
        ErrorQuantiles = new Dictionary<double, double> { [0.5] = 100.5, [0.9] = 200.25, [0.95] = 250, [0.99] = 300, [0.999] = 400.125 },
    };

    /// <summary>The first <paramref name="count"/> images as a flat buffer.</summary>
    public static float[] Pixels(int count) => Images.CopyPixels(0, count);

    /// <summary>Runs an ONNX model on one float input; returns every output by name with its shape.</summary>
    public static Dictionary<string, (float[] Values, int[] Shape)> Run(string modelPath, string inputName, float[] input, int[] shape)
    {
        using var session = new InferenceSession(modelPath);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(inputName, new DenseTensor<float>(input, shape))]);
        return results.ToDictionary(r => r.Name, r =>
        {
            var tensor = r.AsTensor<float>();
            return (tensor.ToArray(), tensor.Dimensions.ToArray());
        });
    }

    public static float[] ToArray(TorchSharp.torch.Tensor tensor) => tensor.detach().contiguous().data<float>().ToArray();

    /// <summary>Asserts |actual − expected| ≤ tolerance·scale elementwise (scale = 1, or max(1, |expected|) when relative).</summary>
    public static void AssertClose(float[] expected, float[] actual, string what, double tolerance = 1e-4, bool relative = false)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}.");
        double worst = 0;
        int worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(float.IsFinite(actual[i]), $"{what}[{i}] is {actual[i]}.");
            double scale = relative ? Math.Max(1, Math.Abs(expected[i])) : 1;
            double error = Math.Abs(actual[i] - expected[i]) / scale;
            if (error > worst) (worst, worstIndex) = (error, i);
        }
        if (worst > tolerance)
            Assert.Fail($"{what}: worst {(relative ? "relative" : "absolute")} difference {worst:E3} at {worstIndex} " +
                $"(expected {expected[worstIndex]}, got {actual[worstIndex]}), tolerance {tolerance:E1}.");
    }
}
