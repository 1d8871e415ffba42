using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;
using AttributeType = Vae.MLNet.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Vae.MLNet.Tests.Onnx;

public class OnnxGraphBuilderTests
{
    // y = Relu(x·Wᵀ + b) with W [2, 3] stored as [out, in] (Gemm transB = 1).
    private static readonly float[] Weight = { 1f, -2f, 0.5f, /* row 2 */ -1f, 0f, 3f };
    private static readonly float[] Bias = { 0.25f, -1f };

    private static ModelProto GemmRelu(IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        var builder = new OnnxGraphBuilder("tiny");
        string x = builder.AddInput("x", [null, 3]);
        builder.AddOutput("y", [null, 2]);
        string w = builder.AddInitializer("w", Weight, 2, 3);
        string b = builder.AddInitializer("b", Bias, 2);
        string gemm = builder.AddNode("Gemm", [x, w, b], "gemm", OnnxAttribute.Int("transB", 1));
        builder.AddNode("Relu", [gemm], "y");
        return builder.Build("tests", "1.0", metadata);
    }

    private static float[] Run(ModelProto model, float[] x, int rows)
    {
        using var session = new InferenceSession(model.ToByteArray());
        var input = NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(x, [rows, 3]));
        using var results = session.Run([input]);
        var y = results.Single(r => r.Name == "y").AsTensor<float>();
        Assert.Equal(new[] { rows, 2 }, y.Dimensions.ToArray());
        return y.ToArray();
    }

    [Fact]
    public void GemmReluRunsInOnnxRuntimeWithHandComputedValues()
    {
        // Row 1: [1, 2, 3] → (1 − 4 + 1.5 + 0.25, −1 + 0 + 9 − 1) = (−1.25 → 0, 7)
        // Row 2: [−1, 0, 2] → (−1 + 0 + 1 + 0.25, 1 + 0 + 6 − 1) = (0.25, 6)
        float[] y = Run(GemmRelu(), [1, 2, 3, -1, 0, 2], rows: 2);
        Assert.Equal(new[] { 0f, 7f, 0.25f, 6f }, y);
    }

    [Fact]
    public void BatchDimensionIsDynamic()
    {
        var model = GemmRelu();
        Assert.Equal("N", model.Graph.Input[0].Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(3, model.Graph.Input[0].Type.TensorType.Shape.Dim[1].DimValue);
        Assert.Equal(new[] { 0.25f, 6f }, Run(model, [-1, 0, 2], rows: 1));
    }

    [Fact]
    public void BuildWritesIrVersionOpsetProducerAndMetadata()
    {
        var model = GemmRelu([new("k1", "v1"), new("k2", "v2")]);
        Assert.Equal(8, model.IrVersion);
        var opset = Assert.Single(model.OpsetImport);
        Assert.Equal("", opset.Domain);
        Assert.Equal(17, opset.Version);
        Assert.Equal("tests", model.ProducerName);
        Assert.Equal("1.0", model.ProducerVersion);
        Assert.Equal("v2", OnnxModelFile.GetMetadata(model, "k2"));

        using var session = new InferenceSession(model.ToByteArray());
        Assert.Equal("v1", session.ModelMetadata.CustomMetadataMap["k1"]);
        Assert.Equal("tests", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void DuplicateMetadataKeyIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => GemmRelu([new("k", "1"), new("k", "2")]));
        Assert.Contains("'k'", e.Message);
    }

    [Fact]
    public void NamesAreMadeUnique()
    {
        var builder = new OnnxGraphBuilder();
        Assert.Equal("w", builder.AddInitializer("w", [1f]));
        Assert.Equal("w_1", builder.AddInitializer("w", [2f]));
        Assert.Equal("w_2", builder.UniqueName("w"));
        builder.AddOutput("out", [1]);
        // A declared output's name is not handed out for anything else…
        Assert.Equal("out_1", builder.AddInitializer("out", [3f]));
        // …but a node asking for it produces that output.
        Assert.Equal("out", builder.AddNode("Identity", ["w"], "out"));
        Assert.Equal("out_2", builder.AddNode("Identity", ["w"], "out"));
    }

    [Fact]
    public void UnknownNodeInputIsRejectedWithItsName()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", [1]);
        var e = Assert.Throws<InvalidOperationException>(() => builder.AddNode("Add", ["x", "missing"], "y"));
        Assert.Contains("'missing'", e.Message);
        Assert.Contains("Add", e.Message);
    }

    [Fact]
    public void OutputProducedByNoNodeFailsTheBuild()
    {
        var builder = new OnnxGraphBuilder("g");
        builder.AddInput("x", [1]);
        builder.AddOutput("y", [1]);
        var e = Assert.Throws<InvalidOperationException>(() => builder.Build("tests", "1"));
        Assert.Contains("[y]", e.Message);
    }

    [Fact]
    public void InitializerShapeMustMatchValueCount()
    {
        var builder = new OnnxGraphBuilder();
        var e = Assert.Throws<ArgumentException>(() => builder.AddInitializer("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("[2, 2] holds 4 values, got 3", e.Message);
    }

    [Fact]
    public void DuplicateInputNameIsRejected()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", [1]);
        Assert.Throws<InvalidOperationException>(() => builder.AddInput("x", [1]));
    }

    [Fact]
    public void SecondDynamicDimensionGetsItsOwnName()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", [null, 3, null]);
        builder.AddOutput("y", [null, 3, null]);
        builder.AddNode("Identity", ["x"], "y");
        var dims = builder.Build("tests", "1").Graph.Input[0].Type.TensorType.Shape.Dim;
        Assert.Equal(new[] { "N", "", "N_2" }, dims.Select(d => d.DimParam));
    }

    [Fact]
    public void AttributesCarryTheirType()
    {
        Assert.Equal((AttributeType.Int, 3L), (OnnxAttribute.Int("a", 3).Type, OnnxAttribute.Int("a", 3).I));
        Assert.Equal((AttributeType.Float, 0.5f), (OnnxAttribute.Float("a", 0.5f).Type, OnnxAttribute.Float("a", 0.5f).F));
        Assert.Equal(new long[] { 1, 2 }, OnnxAttribute.Ints("a", 1, 2).Ints);
        Assert.Equal(AttributeType.Ints, OnnxAttribute.Ints("a", 1, 2).Type);
        Assert.Equal(new[] { 1f, 2f }, OnnxAttribute.Floats("a", 1, 2).Floats);
        Assert.Equal(AttributeType.Floats, OnnxAttribute.Floats("a", 1, 2).Type);
        Assert.Equal("NOTSET", OnnxAttribute.Text("auto_pad", "NOTSET").S.ToStringUtf8());
        Assert.Equal(AttributeType.String, OnnxAttribute.Text("auto_pad", "NOTSET").Type);
    }

    [Fact]
    public void FloatAndStringAttributesReachOnnxRuntime()
    {
        // LeakyRelu(alpha = 0.5) and Conv(auto_pad = "VALID") exercise float and string attributes end to end.
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", [1, 1, 1, 3]);
        builder.AddOutput("y", [1, 1, 1, 2]);
        string w = builder.AddInitializer("w", [1f, 1f], 1, 1, 1, 2);
        string leaky = builder.AddNode("LeakyRelu", ["x"], "leaky", OnnxAttribute.Float("alpha", 0.5f));
        builder.AddNode("Conv", [leaky, w], "y", OnnxAttribute.Text("auto_pad", "VALID"), OnnxAttribute.Ints("kernel_shape", 1, 2));
        using var session = new InferenceSession(builder.Build("tests", "1").ToByteArray());
        var input = NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new[] { -2f, 4f, 6f }, [1, 1, 1, 3]));
        using var results = session.Run([input]);
        // leaky: [−1, 4, 6]; pairwise sums: [3, 10]
        Assert.Equal(new[] { 3f, 10f }, results.Single().AsTensor<float>().ToArray());
    }

    [Fact]
    public void Int64InitializerDrivesReshape()
    {
        var builder = new OnnxGraphBuilder();
        builder.AddInput("x", [null, 4]);
        builder.AddOutput("y", [null, 2, 2]);
        string shape = builder.AddInitializer("shape", new long[] { 0, 2, 2 }, 3);
        builder.AddNode("Reshape", ["x", shape], "y");
        using var session = new InferenceSession(builder.Build("tests", "1").ToByteArray());
        var input = NamedOnnxValue.CreateFromTensor("x", new DenseTensor<float>(new[] { 1f, 2, 3, 4, 5, 6, 7, 8 }, [2, 4]));
        using var results = session.Run([input]);
        var y = results.Single().AsTensor<float>();
        Assert.Equal(new[] { 2, 2, 2 }, y.Dimensions.ToArray());
        Assert.Equal(7f, y[1, 1, 0]);
    }
}
