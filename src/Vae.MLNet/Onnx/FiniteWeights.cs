using System.Runtime.InteropServices;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet.Onnx;

/// <summary>
/// Refuses a model whose weights are not finite: a NaN or ±Inf weight makes every feature NaN without any error
/// (only the detector noticed, later). Initializers (the weights) must be finite; Constant nodes must not be NaN
/// (±Inf is a legitimate constant, e.g. a Clip bound).
/// </summary>
internal static class FiniteWeights
{
    private const int Float = 1, Double = 11;

    public static void Check(ModelProto proto, string source)
    {
        foreach (var tensor in proto.Graph.Initializer)
            if (FirstBad(tensor, allowInfinity: false) is { } bad)
                throw new InvalidDataException(
                    $"'{source}': initializer '{tensor.Name}' holds {bad.Value} at element {bad.Index}; the weights must be finite " +
                    "(a NaN or infinite weight makes every feature NaN). Re-export the model from a checkpoint whose training did not diverge.");
        foreach (var node in proto.Graph.Node)
        {
            if (node.OpType != "Constant")
                continue;
            foreach (var attribute in node.Attribute)
                if (attribute.T is { } tensor && FirstBad(tensor, allowInfinity: true) is { } bad)
                    throw new InvalidDataException(
                        $"'{source}': Constant node '{node.Name}' (output '{node.Output.FirstOrDefault()}') holds {bad.Value} at element {bad.Index}; constants must not be NaN.");
        }
    }

    private static (long Index, double Value)? FirstBad(TensorProto tensor, bool allowInfinity)
    {
        bool Bad(double v) => double.IsNaN(v) || (!allowInfinity && double.IsInfinity(v));
        if (tensor.DataType == Float)
        {
            var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span) : tensor.FloatData.ToArray();
            for (int i = 0; i < values.Length; i++)
                if (Bad(values[i]))
                    return (i, values[i]);
        }
        else if (tensor.DataType == Double)
        {
            var values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, double>(tensor.RawData.Span) : tensor.DoubleData.ToArray();
            for (int i = 0; i < values.Length; i++)
                if (Bad(values[i]))
                    return (i, values[i]);
        }
        return null;
    }
}
