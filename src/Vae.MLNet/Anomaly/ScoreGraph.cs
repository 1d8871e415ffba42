using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// A small ONNX graph that maps the featurizer's per-row outputs to the anomaly score, for ML.NET's
/// <c>ApplyOnnxModel</c> (used in-process and in the saved model alike, so both compute the same
/// floats). ML.NET feeds a scalar column as a [1, 1] tensor and a vector column with the declared shape,
/// and it cannot read rank-0 outputs, so inputs are reshaped inside and the score leaves as a [1] vector.
/// </summary>
internal sealed class ScoreGraph
{
    private const int Opset = 13;
    private readonly GraphProto _graph = new() { Name = "vae_anomaly_score" };
    private int _next;

    /// <summary>Declares a float input of the given shape.</summary>
    public string Input(string name, params long[] shape)
    {
        _graph.Input.Add(ValueInfo(name, shape));
        return name;
    }

    /// <summary>Declares a float output of the given shape, computed by <paramref name="value"/>.</summary>
    public void Output(string name, string value, params long[] shape)
    {
        Node("Identity", [value], name);
        _graph.Output.Add(ValueInfo(name, shape));
    }

    /// <summary>A float constant with the given dims.</summary>
    public string Constant(float[] values, params long[] dims)
    {
        string name = Fresh("c");
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>Reshapes <paramref name="value"/> to <paramref name="shape"/>.</summary>
    public string Reshape(string value, params long[] shape)
    {
        string shapeName = Fresh("shape");
        var tensor = new TensorProto { Name = shapeName, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(shape.Length);
        tensor.Int64Data.AddRange(shape);
        _graph.Initializer.Add(tensor);
        return Node("Reshape", [value, shapeName]);
    }

    /// <summary>Adds a node with one output and returns the output's name.</summary>
    public string Node(string op, string[] inputs, string? output = null, params AttributeProto[] attributes)
    {
        output ??= Fresh(op.ToLowerInvariant());
        var node = new NodeProto { OpType = op, Name = Fresh("node_" + op) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>An integer attribute.</summary>
    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

    /// <summary>Σ of all elements of <paramref name="value"/>, kept as [1, 1].</summary>
    public string SumAll(string value) => Node("ReduceSum", [value], null, IntAttribute("keepdims", 1));

    /// <summary>The <paramref name="k"/> smallest values along the last axis of <paramref name="value"/> (ascending).</summary>
    public string TopKSmallest(string value, int k)
    {
        string kName = Fresh("k");
        var tensor = new TensorProto { Name = kName, DataType = (int)TensorProto.Types.DataType.Int64 };
        tensor.Dims.Add(1);
        tensor.Int64Data.Add(k);
        _graph.Initializer.Add(tensor);
        string values = Fresh("topk_values");
        var node = new NodeProto { OpType = "TopK", Name = Fresh("node_TopK") };
        node.Input.AddRange([value, kName]);
        node.Output.AddRange([values, Fresh("topk_indices")]);
        node.Attribute.AddRange([IntAttribute("largest", 0), IntAttribute("sorted", 1), IntAttribute("axis", -1)]);
        _graph.Node.Add(node);
        return values;
    }

    /// <summary>The serialized model.</summary>
    public byte[] ToBytes()
    {
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "Vae.MLNet.Anomaly",
            ProducerVersion = typeof(ScoreGraph).Assembly.GetName().Version?.ToString() ?? "0",
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        return model.ToByteArray();
    }

    private string Fresh(string prefix) => $"{prefix}_{_next++}";

    private static ValueInfoProto ValueInfo(string name, long[] shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long d in shape)
            tensorShape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto
            {
                TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = tensorShape },
            },
        };
    }
}
