namespace Vae.MLNet;

/// <summary>
/// Describes a foreign encoder (one that does not follow the VAE ONNX contract, e.g. exported from
/// PyTorch): which outputs hold μ and the spread of q(z|x), the input name, and the image shape when
/// the model does not fix it. Give exactly one of <see cref="LogVarOutput"/>, <see cref="LogSigmaOutput"/>
/// and <see cref="SigmaOutput"/> together with <see cref="MuOutput"/>, or only <see cref="MomentsOutput"/>.
/// </summary>
public sealed record VaeOutputMapping
{
    /// <summary>Name of the input tensor; null = the model's only input.</summary>
    public string? InputName { get; init; }

    /// <summary>Output holding μ, [N, k] or [N, k, …] (flattened per row).</summary>
    public string? MuOutput { get; init; }

    /// <summary>Output holding log σ², same shape as μ.</summary>
    public string? LogVarOutput { get; init; }

    /// <summary>Output holding log σ, same shape as μ.</summary>
    public string? LogSigmaOutput { get; init; }

    /// <summary>Output holding σ, same shape as μ.</summary>
    public string? SigmaOutput { get; init; }

    /// <summary>
    /// One output [N, 2k, …] whose channel axis (axis 1) holds μ then log σ² (diffusers AutoencoderKL's
    /// <c>DiagonalGaussianDistribution</c> parameters). μ is the first half of each row, flattened.
    /// </summary>
    public string? MomentsOutput { get; init; }

    /// <summary>C×H×W of the input images, needed when the model's input dimensions are symbolic.</summary>
    public (int Channels, int Height, int Width)? ImageShape { get; init; }

    /// <summary>A mapping for an encoder with separate μ and log σ² outputs.</summary>
    public static VaeOutputMapping MuLogVar(string muOutput, string logVarOutput, string? inputName = null) =>
        new() { MuOutput = muOutput, LogVarOutput = logVarOutput, InputName = inputName };

    /// <summary>A mapping for an encoder with one "moments" output holding μ then log σ² on axis 1.</summary>
    public static VaeOutputMapping Moments(string momentsOutput, string? inputName = null) =>
        new() { MomentsOutput = momentsOutput, InputName = inputName };

    internal VaeSpreadKind SpreadKind =>
        MomentsOutput != null ? VaeSpreadKind.Moments
        : LogVarOutput != null ? VaeSpreadKind.LogVar
        : LogSigmaOutput != null ? VaeSpreadKind.LogSigma
        : VaeSpreadKind.Sigma;

    internal string? SpreadOutput => LogVarOutput ?? LogSigmaOutput ?? SigmaOutput;

    /// <summary>Checks that the mapping names a consistent set of outputs.</summary>
    internal void Validate(string modelPath)
    {
        int spreads = (LogVarOutput != null ? 1 : 0) + (LogSigmaOutput != null ? 1 : 0) + (SigmaOutput != null ? 1 : 0);
        if (MomentsOutput != null)
        {
            if (MuOutput != null || spreads != 0)
                throw new ArgumentException(
                    $"Output mapping for '{modelPath}': MomentsOutput ('{MomentsOutput}') excludes MuOutput/LogVarOutput/LogSigmaOutput/SigmaOutput.",
                    nameof(VaeOutputMapping));
            return;
        }
        if (MuOutput == null || spreads != 1)
            throw new ArgumentException(
                $"Output mapping for '{modelPath}': expected MuOutput and exactly one of LogVarOutput/LogSigmaOutput/SigmaOutput " +
                $"(or only MomentsOutput); got MuOutput={MuOutput ?? "null"} and {spreads} spread outputs.",
                nameof(VaeOutputMapping));
        if (ImageShape is { } s && (s.Channels <= 0 || s.Height <= 0 || s.Width <= 0))
            throw new ArgumentException($"Output mapping for '{modelPath}': image shape must be positive, got {s.Channels}x{s.Height}x{s.Width}.", nameof(VaeOutputMapping));
        if (ImageShape is { } big && (long)big.Channels * big.Height * big.Width > VaeModelLayout.MaxPixelCount)
            throw new ArgumentException(
                $"Output mapping for '{modelPath}': image shape {big.Channels}x{big.Height}x{big.Width} has {(long)big.Channels * big.Height * big.Width:N0} values per image, " +
                $"over the limit of {VaeModelLayout.MaxPixelCount:N0} (C·H·W must fit one buffer row).", nameof(VaeOutputMapping));
    }
}

/// <summary>How a foreign encoder states the spread of q(z|x).</summary>
internal enum VaeSpreadKind
{
    LogVar,
    LogSigma,
    Sigma,
    Moments,
}
