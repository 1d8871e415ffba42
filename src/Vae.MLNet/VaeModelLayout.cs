using Microsoft.ML.OnnxRuntime;

namespace Vae.MLNet;

/// <summary>
/// Where a model's tensors are and how big they are: input name and rank, image shape, latent size,
/// and (for foreign encoders) the output mapping. Resolved once at load time by probing one image.
/// </summary>
internal sealed record VaeModelLayout(
    string InputName,
    int InputRank,
    int Channels,
    int Height,
    int Width,
    int LatentDim,
    VaeOutputMapping? Mapping)
{
    public int PixelCount => Channels * Height * Width;

    public static readonly string[] ContractOutputs =
    [
        VaeContract.Mu, VaeContract.LogVar, VaeContract.Sigma, VaeContract.Reconstruction, VaeContract.ReconstructionError, VaeContract.Kl,
    ];

    public static VaeModelLayout Resolve(InferenceSession session, VaeModelDescription description, VaeOutputMapping? mapping, string source)
    {
        var inputs = session.InputMetadata;
        var outputs = session.OutputMetadata;
        string inputName = mapping?.InputName ?? (mapping == null ? VaeContract.ImageInput : inputs.Count == 1 ? inputs.Keys.First() : "");
        if (!inputs.TryGetValue(inputName, out var input))
            throw new InvalidDataException(
                $"'{source}' has no input '{inputName}'; its inputs are [{string.Join(", ", inputs.Keys)}]" +
                (mapping != null && mapping.InputName == null ? " (set VaeOutputMapping.InputName)." : "."));
        if (input.ElementType != typeof(float))
            throw new InvalidDataException($"'{source}': input '{inputName}' must be float32, but is {input.ElementType.Name}.");
        int[] dims = input.Dimensions;
        if (dims.Length != 4 && dims.Length != 2)
            throw new InvalidDataException($"'{source}': input '{inputName}' must be [N, C, H, W] or [N, C·H·W], but has rank {dims.Length} ([{string.Join(", ", dims)}]).");

        var required = mapping == null
            ? ContractOutputs
            : new[] { mapping.MomentsOutput, mapping.MuOutput, mapping.SpreadOutput }.OfType<string>().ToArray();
        foreach (string name in required)
            if (!outputs.ContainsKey(name))
                throw new InvalidDataException(
                    $"'{source}' lacks the required output '{name}'; expected [{string.Join(", ", required)}], the model has [{string.Join(", ", outputs.Keys)}].");

        var (c, h, w) = ResolveImageShape(dims, description.ImageShape, mapping?.ImageShape, inputName, source);
        var layout = new VaeModelLayout(inputName, dims.Length, c, h, w, 0, mapping);
        int latent;
        try
        {
            latent = ProbeLatentDim(session, layout, source);
        }
        catch (InvalidOperationException e) when (e.InnerException is Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
        {
            // The graph parsed but cannot run on an image of its own declared shape: a broken model file.
            throw new InvalidDataException($"'{source}': the model does not run on a blank {layout.Channels}x{layout.Height}x{layout.Width} image: {e.InnerException.Message}", e);
        }
        if (description.LatentDim is int k && k != latent && mapping == null)
            throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.LatentDim}={k}, but output '{VaeContract.Mu}' has {latent} values per row.");
        return layout with { LatentDim = latent };
    }

    /// <summary>Largest C·H·W of one image (2^28 values, 1 GB of floats): products beyond it overflow the buffers' int sizes.</summary>
    internal const long MaxPixelCount = 1L << 28;

    private static (int C, int H, int W) ResolveImageShape(int[] dims, (int C, int H, int W)? metadataShape, (int C, int H, int W)? mappingShape,
        string inputName, string source)
    {
        var resolved = ResolveImageShapeUnchecked(dims, metadataShape, mappingShape, inputName, source);
        long values = (long)resolved.C * resolved.H * resolved.W;
        if (values > MaxPixelCount)
            throw new InvalidDataException(
                $"'{source}': the image shape {resolved.C}x{resolved.H}x{resolved.W} (input '{inputName}', {VaeContract.Metadata.ImageShape} or VaeOutputMapping.ImageShape) " +
                $"has {values:N0} values per image, over the limit of {MaxPixelCount:N0}.");
        return resolved;
    }

    private static (int C, int H, int W) ResolveImageShapeUnchecked(int[] dims, (int C, int H, int W)? metadataShape, (int C, int H, int W)? mappingShape,
        string inputName, string source)
    {
        var shape = mappingShape ?? metadataShape;
        if (dims.Length == 4)
        {
            bool fixedDims = dims[1] > 0 && dims[2] > 0 && dims[3] > 0;
            if (shape is { } s)
            {
                if ((dims[1] > 0 && dims[1] != s.C) || (dims[2] > 0 && dims[2] != s.H) || (dims[3] > 0 && dims[3] != s.W))
                    throw new InvalidDataException(
                        $"'{source}': input '{inputName}' is [{string.Join(", ", dims)}], which contradicts the stated image shape {s.C}x{s.H}x{s.W}.");
                return s;
            }
            if (fixedDims)
                return (dims[1], dims[2], dims[3]);
            throw new InvalidDataException(
                $"'{source}': input '{inputName}' has symbolic image dimensions [{string.Join(", ", dims)}]; state the image shape with VaeOutputMapping.ImageShape.");
        }
        if (shape is { } flat)
        {
            if (dims[1] > 0 && dims[1] != (long)flat.C * flat.H * flat.W)
                throw new InvalidDataException($"'{source}': input '{inputName}' takes {dims[1]} values per row, but the image shape {flat.C}x{flat.H}x{flat.W} has {(long)flat.C * flat.H * flat.W}.");
            return flat;
        }
        throw new InvalidDataException($"'{source}': input '{inputName}' is flat [N, {dims[1]}]; state the image shape with VaeOutputMapping.ImageShape.");
    }

    /// <summary>Runs one all-zero image to learn the latent size and check the output sizes agree.</summary>
    private static int ProbeLatentDim(InferenceSession session, VaeModelLayout layout, string source)
    {
        using var probe = VaeSession.RunRaw(session, layout, new float[layout.PixelCount], 1, layout.Mapping == null
            ? ContractOutputs
            : new[] { layout.Mapping.MomentsOutput, layout.Mapping.MuOutput, layout.Mapping.SpreadOutput }.OfType<string>().ToArray(), source);
        if (layout.Mapping?.MomentsOutput is { } moments)
        {
            long n = probe[moments].GetTensorTypeAndShape().ElementCount;
            long[] shape = probe[moments].GetTensorTypeAndShape().Shape;
            if (n % 2 != 0 || shape.Length < 2 || shape[1] % 2 != 0)
                throw new InvalidDataException($"'{source}': moments output '{moments}' has shape [{string.Join(", ", shape)}]; axis 1 must hold 2k channels (μ then log σ²).");
            return checked((int)(n / 2));
        }
        string muName = layout.Mapping?.MuOutput ?? VaeContract.Mu;
        int k = checked((int)probe[muName].GetTensorTypeAndShape().ElementCount);
        string[] sameSize = layout.Mapping == null ? [VaeContract.LogVar, VaeContract.Sigma] : [layout.Mapping.SpreadOutput!];
        foreach (string name in sameSize)
        {
            long n = probe[name].GetTensorTypeAndShape().ElementCount;
            if (n != k)
                throw new InvalidDataException($"'{source}': output '{name}' has {n} values per row, but '{muName}' has {k}; they must match.");
        }
        if (layout.Mapping == null)
        {
            CheckPerRow(probe, VaeContract.Reconstruction, layout.PixelCount, source);
            CheckPerRow(probe, VaeContract.ReconstructionError, 1, source);
            CheckPerRow(probe, VaeContract.Kl, 1, source);
        }
        return k;
    }

    private static void CheckPerRow(VaeSession.RawOutputs probe, string name, int expected, string source)
    {
        long n = probe[name].GetTensorTypeAndShape().ElementCount;
        if (n != expected)
            throw new InvalidDataException($"'{source}': output '{name}' has {n} values per row, expected {expected}.");
    }
}
