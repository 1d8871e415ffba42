using TorchSharp;
using TorchSharp.Modules;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vae.Training.Export;

/// <summary>
/// Translates TorchSharp layers into ONNX nodes with the layers' weights as initializers: Linear → Gemm
/// (transB = 1, since the weight is [out, in]), Conv2d → Conv, ConvTranspose2d → ConvTranspose,
/// ReLU → Relu, ELU → Elu, SiLU → Sigmoid·x (ONNX 17 has no SiLU op), Flatten → Flatten, Unflatten → Reshape, Sequential → its children in order.
/// Any other layer, or a layer setting ONNX cannot express the same way, throws
/// <see cref="NotSupportedException"/> naming the layer.
/// </summary>
internal static class TorchLayerEmitter
{
    /// <summary>A tensor in the graph being built and its rank, which decides whether a layer applies.</summary>
    public readonly record struct GraphTensor(string Name, int Rank);

    /// <summary>Emits <paramref name="module"/> applied to <paramref name="input"/>; <paramref name="path"/> names its weights.</summary>
    public static GraphTensor Emit(OnnxGraphBuilder builder, Module module, GraphTensor input, string path) => module switch
    {
        Sequential sequential => EmitSequential(builder, sequential, input, path),
        Linear linear => EmitLinear(builder, linear, input, path),
        ConvTranspose2d deconv => EmitConvolution(builder, deconv, "ConvTranspose", input, path),
        Conv2d conv => EmitConvolution(builder, conv, "Conv", input, path),
        TorchSharp.Modules.ReLU => new GraphTensor(builder.AddNode("Relu", [input.Name], path), input.Rank),
        TorchSharp.Modules.ELU elu => new GraphTensor(builder.AddNode("Elu", [input.Name], path, OnnxAttribute.Float("alpha", (float)elu.alpha)), input.Rank),
        TorchSharp.Modules.SiLU => EmitSilu(builder, input, path),
        Flatten flatten => EmitFlatten(builder, flatten, input, path),
        Unflatten unflatten => EmitUnflatten(builder, unflatten, input, path),
        _ => throw new NotSupportedException(
            $"Layer '{path}' is a {module.GetType().FullName}, which the ONNX exporter does not translate " +
            "(supported: Sequential, Linear, Conv2d, ConvTranspose2d, ReLU, ELU, SiLU, Flatten, Unflatten)."),
    };

    private static GraphTensor EmitSequential(OnnxGraphBuilder builder, Sequential sequential, GraphTensor input, string path)
    {
        var current = input;
        foreach (var (name, child) in sequential.named_children())
            current = Emit(builder, child, current, $"{path}.{name}");
        return current;
    }

    private static GraphTensor EmitLinear(OnnxGraphBuilder builder, Linear linear, GraphTensor input, string path)
    {
        if (input.Rank != 2)
            throw new NotSupportedException($"Layer '{path}' (Linear) gets a rank-{input.Rank} tensor; the exporter maps Linear to Gemm, which needs rank 2.");
        var inputs = new List<string> { input.Name, Weights(builder, linear.weight, $"{path}.weight") };
        if (linear.bias is not null)
            inputs.Add(Weights(builder, linear.bias, $"{path}.bias"));
        return new GraphTensor(builder.AddNode("Gemm", inputs, path, OnnxAttribute.Int("transB", 1)), 2);
    }

    private static GraphTensor EmitConvolution(OnnxGraphBuilder builder, Convolution conv, string opType, GraphTensor input, string path)
    {
        if (input.Rank != 4)
            throw new NotSupportedException($"Layer '{path}' ({opType}) gets a rank-{input.Rank} tensor, expected [N, C, H, W].");
        if (conv.padding_mode != PaddingModes.Zeros)
            throw new NotSupportedException($"Layer '{path}': padding mode {conv.padding_mode} has no ONNX {opType} equivalent (only zero padding).");
        if (conv.padding_type == Padding.Same)
            throw new NotSupportedException($"Layer '{path}': padding 'same' is not exported; give explicit padding.");

        // Torch pads symmetrically per axis; ONNX lists all begins, then all ends.
        long[] padding = conv.padding_type == Padding.Valid
            ? new long[conv.kernel_size.Length]
            : conv.padding ?? throw new NotSupportedException($"Layer '{path}': no explicit padding to export.");
        var attributes = new List<AttributeProto>
        {
            OnnxAttribute.Ints("kernel_shape", conv.kernel_size),
            OnnxAttribute.Ints("strides", conv.stride),
            OnnxAttribute.Ints("pads", [.. padding, .. padding]),
            OnnxAttribute.Ints("dilations", conv.dilation),
            OnnxAttribute.Int("group", conv.groups),
        };
        if (conv.transposed)
            attributes.Add(OnnxAttribute.Ints("output_padding", conv.output_padding));

        var inputs = new List<string> { input.Name, Weights(builder, conv.weight, $"{path}.weight") };
        if (conv.bias is not null)
            inputs.Add(Weights(builder, conv.bias, $"{path}.bias"));
        return new GraphTensor(builder.AddNode(opType, inputs, path, [.. attributes]), 4);
    }

    private static GraphTensor EmitSilu(OnnxGraphBuilder builder, GraphTensor input, string path)
    {
        string gate = builder.AddNode("Sigmoid", [input.Name], $"{path}.sigmoid");
        return new GraphTensor(builder.AddNode("Mul", [input.Name, gate], path), input.Rank);
    }

    private static GraphTensor EmitFlatten(OnnxGraphBuilder builder, Flatten flatten, GraphTensor input, string path)
    {
        // ONNX Flatten(axis=1) is torch's Flatten(1, -1): [N, everything else].
        bool endsAtLast = flatten.end_dim == -1 || flatten.end_dim == input.Rank - 1;
        if (flatten.start_dim != 1 || !endsAtLast)
            throw new NotSupportedException(
                $"Layer '{path}': Flatten(start_dim={flatten.start_dim}, end_dim={flatten.end_dim}) is not exported; only Flatten(1, -1).");
        return new GraphTensor(builder.AddNode("Flatten", [input.Name], path, OnnxAttribute.Int("axis", 1)), 2);
    }

    private static GraphTensor EmitUnflatten(OnnxGraphBuilder builder, Unflatten unflatten, GraphTensor input, string path)
    {
        if (unflatten.dim != 1 || input.Rank != 2)
            throw new NotSupportedException(
                $"Layer '{path}': Unflatten(dim={unflatten.dim}) of a rank-{input.Rank} tensor is not exported; only dim 1 of [N, F].");
        // Reshape's 0 copies the input's (dynamic) batch size.
        long[] shape = [0, .. unflatten.unflattened_size];
        string shapeName = builder.AddInitializer($"{path}.shape", shape, shape.Length);
        return new GraphTensor(builder.AddNode("Reshape", [input.Name, shapeName], path), shape.Length);
    }

    /// <summary>Copies a parameter into a float initializer, refusing NaN/Inf (they would export silently wrong).</summary>
    internal static string Weights(OnnxGraphBuilder builder, Tensor parameter, string name)
    {
        using var scope = NewDisposeScope();
        var values = parameter.detach().cpu().to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int bad = Array.FindIndex(values, v => !float.IsFinite(v));
        if (bad >= 0)
            throw new InvalidOperationException($"Parameter '{name}' holds {values[bad]} at flat index {bad}; cannot export a non-finite weight.");
        return builder.AddInitializer(name, values, parameter.shape);
    }
}
