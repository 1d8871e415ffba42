using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;
using AttributeType = Vae.MLNet.Onnx.Proto.AttributeProto.Types.AttributeType;

namespace Vae.MLNet.Onnx;

/// <summary>
/// Factories for ONNX node attributes, each setting the value and the matching <c>type</c> field (ONNX
/// Runtime rejects an attribute whose type is left UNDEFINED).
/// </summary>
internal static class OnnxAttribute
{
    /// <summary>An integer attribute, e.g. <c>transB = 1</c>.</summary>
    public static AttributeProto Int(string name, long value) =>
        new() { Name = CheckName(name), Type = AttributeType.Int, I = value };

    /// <summary>A float attribute, e.g. <c>alpha = 1.0</c>.</summary>
    public static AttributeProto Float(string name, float value) =>
        new() { Name = CheckName(name), Type = AttributeType.Float, F = value };

    /// <summary>An integer-list attribute, e.g. <c>strides = [2, 2]</c>.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var attribute = new AttributeProto { Name = CheckName(name), Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A float-list attribute.</summary>
    public static AttributeProto Floats(string name, params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var attribute = new AttributeProto { Name = CheckName(name), Type = AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    /// <summary>A string attribute (stored as UTF-8 bytes), e.g. <c>auto_pad = "NOTSET"</c>.</summary>
    public static AttributeProto Text(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new() { Name = CheckName(name), Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };
    }

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }
}
