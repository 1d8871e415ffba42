using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// The anomaly score as a small ONNX graph over the featurizer's per-row outputs, for ML.NET's
/// <c>ApplyOnnxModel</c> (used in-process and in the saved model alike, so both compute the same floats):
/// a thin layer over the project's one <see cref="OnnxGraphBuilder"/> for fixed [1, …] shapes. ML.NET feeds
/// a scalar column as a [1, 1] tensor and a vector column with the declared shape, and it cannot read
/// rank-0 outputs, so inputs are reshaped inside and the score leaves as a [1] vector.
/// </summary>
internal sealed class ScoreGraph
{
    private readonly OnnxGraphBuilder _builder = new("vae_anomaly_score");

    /// <summary>Declares a float input of the given shape.</summary>
    public string Input(string name, params long[] shape) => _builder.AddInput(name, Dims(shape));

    /// <summary>Declares a float output of the given shape, computed by <paramref name="value"/>.</summary>
    public void Output(string name, string value, params long[] shape)
    {
        _builder.AddOutput(name, Dims(shape));
        _builder.AddNode("Identity", [value], name);
    }

    /// <summary>A float constant with the given dims.</summary>
    public string Constant(float[] values, params long[] dims) => _builder.AddInitializer("c", values, dims);

    /// <summary>Reshapes <paramref name="value"/> to <paramref name="shape"/>.</summary>
    public string Reshape(string value, params long[] shape) =>
        _builder.AddNode("Reshape", [value, _builder.AddInitializer("shape", shape, shape.Length)], "reshaped");

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes) =>
        _builder.AddNode(op, inputs, output ?? op.ToLowerInvariant(), attributes);

    /// <summary>An integer attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) => OnnxAttribute.Int(name, value);

    /// <summary>Σ of all elements of <paramref name="value"/>, kept as [1, 1] (ReduceSum without axes reduces all).</summary>
    public string SumAll(string value) => _builder.AddNode("ReduceSum", [value], "sum_all", OnnxAttribute.Int("keepdims", 1));

    /// <summary>The <paramref name="k"/> smallest values along the last axis of <paramref name="value"/> (ascending).</summary>
    public string TopKSmallest(string value, int k) =>
        _builder.AddNode("TopK", [value, _builder.AddInitializer("k", new long[] { k }, 1)], ["topk_values", "topk_indices"],
            OnnxAttribute.Int("largest", 0), OnnxAttribute.Int("sorted", 1), OnnxAttribute.Int("axis", -1))[0];

    /// <summary>The serialized model.</summary>
    public byte[] ToBytes()
    {
        using var stream = new MemoryStream();
        Google.Protobuf.MessageExtensions.WriteTo(
            _builder.Build("Vae.MLNet", typeof(ScoreGraph).Assembly.GetName().Version?.ToString() ?? "0"), stream);
        return stream.ToArray();
    }

    private static long?[] Dims(long[] shape) => shape.Select(d => (long?)d).ToArray();
}
