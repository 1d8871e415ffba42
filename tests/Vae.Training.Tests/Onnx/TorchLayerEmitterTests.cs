using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.Training.Models;
using Vae.Training.Export;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

public sealed class TorchLayerEmitterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-onnx-layers-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static TorchLayerEmitter.GraphTensor Input(OnnxGraphBuilder builder, params long?[] shape) =>
        new(builder.AddInput("x", shape), shape.Length);

    [Fact]
    public void UnsupportedLayerIsNamed()
    {
        var builder = new OnnxGraphBuilder();
        using var stack = Sequential(("fc", Linear(3, 3)), ("squash", Tanh()));
        var e = Assert.Throws<NotSupportedException>(() => TorchLayerEmitter.Emit(builder, stack, Input(builder, null, 3), "encoder"));
        Assert.Contains("encoder.squash", e.Message);
        Assert.Contains("Tanh", e.Message);
    }

    [Fact]
    public void UnsupportedLayerSettingsAreNamed()
    {
        var builder = new OnnxGraphBuilder();
        using var reflect = Conv2d(1, 1, 3, padding: 1, padding_mode: TorchSharp.PaddingModes.Reflect);
        Assert.Contains("Reflect", Assert.Throws<NotSupportedException>(() => TorchLayerEmitter.Emit(builder, reflect, Input(builder, null, 1, 4, 4), "conv")).Message);
        using var linear = Linear(4, 2);
        Assert.Contains("rank-4", Assert.Throws<NotSupportedException>(() => TorchLayerEmitter.Emit(builder, linear, new("x", 4), "fc")).Message);
        using var flatten = Flatten(2);
        Assert.Contains("start_dim=2", Assert.Throws<NotSupportedException>(() => TorchLayerEmitter.Emit(builder, flatten, new("x", 4), "flat")).Message);
    }

    [Fact]
    public void LayerWithoutBiasAndWithValidPaddingRunsInOnnxRuntime()
    {
        // Exercises the optional-bias and padding='valid' paths against libtorch.
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var stack = Sequential(
            ("conv", Conv2d(1, 2, 3, padding: TorchSharp.Padding.Valid, bias: false)),
            ("relu", ReLU()),
            ("flat", Flatten()),
            ("fc", Linear(2 * 4 * 4, 3, hasBias: false)));
        var builder = new OnnxGraphBuilder();
        var output = TorchLayerEmitter.Emit(builder, stack, Input(builder, null, 1, 6, 6), "net");
        builder.AddOutput("y", [null, 3]);
        builder.AddNode("Identity", [output.Name], "y");
        string path = Path.Combine(_folder, "stack.onnx");
        OnnxModelFile.Write(builder.Build("tests", "1"), path);

        var x = rand(5, 1, 6, 6);
        Tensor expected;
        using (no_grad()) expected = stack.forward(x);
        AssertClose(ToArray(expected), Run(path, "x", ToArray(x), [5, 1, 6, 6])["y"].Values, "y");
    }

    [Fact]
    public void NonFiniteWeightsAreRefused()
    {
        using var network = TinyNetwork(VaeKind.Mlp);
        using (no_grad()) network.MuHead.bias!.fill_(float.NaN);
        var e = Assert.Throws<InvalidOperationException>(() => VaeOnnxExporter.BuildVaeModel(network, Info(VaeLikelihood.Bernoulli)));
        Assert.Contains("mu_head.bias", e.Message);
        Assert.Contains("NaN", e.Message);
    }

    [Fact]
    public void LargeLogitsGiveFiniteMatchingErrorsInOnnxRuntime()
    {
        // Scale the decoder's last layer so that |logits| reach the hundreds: a naive log(1 + exp(l)) would be inf.
        using var scope = NewDisposeScope();
        using var network = TinyNetwork(VaeKind.Mlp);
        var last = network.Decoder.named_children().Select(c => c.module).OfType<TorchSharp.Modules.Linear>().Last();
        using (no_grad()) last.weight!.mul_(500);
        var files = VaeOnnxExporter.Export(network, Info(VaeLikelihood.Bernoulli), _folder);

        var images = tensor(Pixels(8), [8, 1, 28, 28]);
        Tensor logits;
        using (no_grad()) (_, _, logits) = network.forward(images);
        Assert.True(logits.abs().max().item<float>() > 100, "the test needs large logits");
        var reference = functional.binary_cross_entropy_with_logits(logits, images, reduction: Reduction.None).flatten(1).sum(1);
        var onnx = Run(files.VaeModelPath, VaeContract.ImageInput, Pixels(8), [8, 1, 28, 28])[VaeContract.ReconstructionError].Values;
        AssertClose(ToArray(reference), onnx, "reconstruction_error", relative: true);
    }
}
