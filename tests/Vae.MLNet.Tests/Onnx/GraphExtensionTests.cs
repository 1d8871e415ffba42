using Google.Protobuf;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Onnx;

/// <summary>Extending a model's graph (the post-processing both scoring paths append) and pruning it to what its outputs need.</summary>
public sealed class GraphExtensionTests
{
    private static ModelProto Contract() => ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestData.ContractVae));

    [Fact]
    public void Extended_names_carry_the_prefix_and_keep_the_models_tensors_usable()
    {
        var model = Contract();
        int before = model.Graph.Node.Count;
        var b = OnnxGraphBuilder.Extend(model, "post/");
        string kl = VaeFormulas.Kl(b, "mu", "logvar");

        Assert.StartsWith("post/", kl);
        var added = model.Graph.Node.Skip(before).ToList();
        Assert.NotEmpty(added);
        Assert.All(added, n => Assert.StartsWith("post/", n.Name));
        Assert.All(added.SelectMany(n => n.Output), o => Assert.StartsWith("post/", o));
        Assert.Contains(added, n => n.Input.Contains("mu"));
        // The model's own names stay taken: a hint equal to one of them is suffixed, never reused.
        Assert.DoesNotContain(model.Graph.Node.Take(before).SelectMany(n => n.Output), o => o == kl);
    }

    [Fact]
    public void A_detached_input_must_be_produced_again()
    {
        var model = Contract();
        var b = OnnxGraphBuilder.Extend(model, "post/");
        b.DetachInput("image");
        b.AddInput("pixels", [null, 1, 28, 28]);
        var e = Assert.Throws<InvalidOperationException>(b.CheckComplete);
        Assert.Contains("image", e.Message);
        b.AddNode("Identity", ["pixels"], "image");
        b.CheckComplete();
        Assert.Equal(["pixels"], model.Graph.Input.Select(i => i.Name));
    }

    [Fact]
    public void Pruning_to_mu_drops_the_decoder_and_keeps_mu_bit_identical()
    {
        var model = Contract();
        int allNodes = model.Graph.Node.Count;
        foreach (var o in model.Graph.Output.Where(o => o.Name != "mu").ToList())
            model.Graph.Output.Remove(o);
        OnnxGraphPruning.KeepWhatOutputsNeed(model.Graph);

        Assert.True(model.Graph.Node.Count < allNodes / 2 + 2, $"{model.Graph.Node.Count} of {allNodes} nodes kept");
        Assert.DoesNotContain(model.Graph.Node, n => n.Output.Contains("reconstruction") || n.Output.Contains("reconstruction_error"));
        var used = model.Graph.Node.SelectMany(n => n.Input).ToHashSet();
        Assert.All(model.Graph.Initializer, t => Assert.Contains(t.Name, used));

        var images = TestData.Images(8000, 3);
        string path = Path.Combine(Path.GetTempPath(), $"pruned-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        try
        {
            var pruned = DirectOrt.Run(path, "image", images, [1, 28, 28]);
            var full = DirectOrt.Run(TestData.ContractVae, "image", images, [1, 28, 28]);
            for (int r = 0; r < images.Length; r++)
                Assert.Equal(full["mu"][r], pruned["mu"][r]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Session_mu_alone_equals_mu_from_the_full_request()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        var pixels = TestData.Images(8000, 4).SelectMany(x => x).ToArray();
        var alone = model.Run(pixels, 4, VaeOutputKinds.Mu);
        var all = model.Run(pixels, 4, VaeOutputKinds.All | VaeOutputKinds.ReconstructionDivergence);
        Assert.Equal(all.Mu, alone.Mu);
        Assert.Null(alone.Reconstruction);
        Assert.NotNull(all.ReconstructionDivergence);
    }
}
