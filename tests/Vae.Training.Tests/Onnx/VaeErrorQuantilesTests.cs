using Vae.MLNet;
using Vae.Training.Models;
using Vae.Training.Export;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

public sealed class VaeErrorQuantilesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-onnx-quantiles-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void QuantilesInterpolateLinearlyBetweenOrderStatistics()
    {
        // NumPy: np.quantile([5, 1, 4, 2, 3], [0, .5, .9, 1]) = [1, 3, 4.6, 5]
        var q = VaeErrorQuantiles.Quantiles([5f, 1f, 4f, 2f, 3f], [0, 0.5, 0.9, 1]);
        Assert.Equal(1, q[0]);
        Assert.Equal(3, q[0.5]);
        Assert.Equal(4.6, q[0.9], 12);
        Assert.Equal(5, q[1]);
        Assert.Equal(7, VaeErrorQuantiles.Quantiles([7f], [0.99])[0.99]);
        Assert.Throws<ArgumentException>(() => VaeErrorQuantiles.Quantiles([1f], [1.5]));
        Assert.Throws<ArgumentException>(() => VaeErrorQuantiles.Quantiles(Array.Empty<float>(), [0.5]));
    }

    [Theory]
    [InlineData(VaeLikelihood.Bernoulli)]
    [InlineData(VaeLikelihood.Gaussian)]
    public void BatchedErrorsEqualTheOnnxModelsErrors(VaeLikelihood likelihood)
    {
        using var network = TinyNetwork(VaeKind.Conv);
        var info = Info(likelihood);
        // A batch size that does not divide 64 exercises the last, short batch.
        float[] torchErrors = VaeErrorQuantiles.PerImageErrors(network, Images, likelihood, info.GaussianSigma, batchSize: 20);
        var files = VaeOnnxExporter.Export(network, info, _folder);
        var onnx = Run(files.VaeModelPath, VaeContract.ImageInput, Pixels(64), [64, 1, 28, 28])[VaeContract.ReconstructionError].Values;
        AssertClose(onnx, torchErrors, "per-image errors", relative: true);

        var quantiles = VaeErrorQuantiles.Compute(network, Images, likelihood, info.GaussianSigma, batchSize: 20);
        Assert.Equal(VaeErrorQuantiles.DefaultProbabilities, quantiles.Keys);
        Assert.True(quantiles.Values.Zip(quantiles.Values.Skip(1)).All(p => p.First <= p.Second), "quantiles must not decrease");
        Assert.InRange(quantiles[0.999], onnx.Order().ElementAt(62), onnx.Max() * (1 + 1e-4)); // 0.999·63 = 62.94: between the two largest
        var fromOnnx = VaeErrorQuantiles.Quantiles(onnx, VaeErrorQuantiles.DefaultProbabilities);
        foreach (var (p, value) in fromOnnx)
            Assert.Equal(value, quantiles[p], 1e-4 * Math.Abs(value));
    }

    [Fact]
    public void ImagesOfTheWrongShapeAreRejected()
    {
        using var network = TinyNetwork(VaeKind.Mlp);
        var small = new Vae.Training.Data.ImageSet(new float[2 * 14 * 14], [], 2, 1, 14, 14, "small-images");
        var e = Assert.Throws<ArgumentException>(() => VaeErrorQuantiles.Compute(network, small, VaeLikelihood.Bernoulli));
        Assert.Contains("small-images", e.Message);
        Assert.Contains("1x14x14", e.Message);
        Assert.Contains("1x28x28", e.Message);
    }

    [Fact]
    public void BernoulliErrorIsStableForLargeLogits()
    {
        // Logits of ±1000 overflow exp() in the naive softplus; the stable form must match libtorch.
        using var scope = NewDisposeScope();
        var logits = tensor(new float[] { 1000f, -1000f, 50f, -50f, 0f, 3f }, [1, 1, 2, 3]);
        var images = tensor(new float[] { 1f, 0f, 0.5f, 0.25f, 1f, 0f }, [1, 1, 2, 3]);
        float ours = VaeReconstructionError.PerImage(logits, images, VaeLikelihood.Bernoulli).item<float>();
        float reference = functional.binary_cross_entropy_with_logits(logits, images, reduction: Reduction.Sum).item<float>();
        Assert.True(float.IsFinite(ours));
        Assert.Equal(reference, ours, 1e-3f);
    }
}
