using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vae.MLNet;
using Vae.Training.Export;

namespace Vae.Training.Export;

/// <summary>
/// Runs the exported models for the figures and the eval / sample / interpolate commands: <c>vae.onnx</c>
/// through <see cref="VaeModel"/> (which checks the contract), <c>decoder.onnx</c> (z → image) through
/// ONNX Runtime. What is drawn is what was exported, not the TorchSharp network it came from.
/// </summary>
internal sealed class OnnxVaeRunner : IDisposable
{
    private readonly VaeModel? _vae;
    private readonly InferenceSession? _decoder;

    public int LatentDim { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int PixelCount => Channels * Height * Width;
    /// <summary>The likelihood vae.onnx states, or null (no vae.onnx, or none stated).</summary>
    public VaeLikelihood? Likelihood => _vae?.Likelihood;
    /// <summary>The decoder's mixture prior (metadata <c>vae.prior</c>), or null for N(0, I).</summary>
    public MixturePriorComponents? Prior { get; }

    public OnnxVaeRunner(string? vaePath, string? decoderPath)
    {
        if (vaePath == null && decoderPath == null)
            throw new ArgumentException("Give a vae.onnx or a decoder.onnx model.");
        try
        {
            if (vaePath != null)
            {
                _vae = VaeModel.Load(vaePath);
                (LatentDim, Channels, Height, Width) = (_vae.LatentDim, _vae.Channels, _vae.Height, _vae.Width);
            }
            if (decoderPath != null)
            {
                if (!File.Exists(decoderPath)) throw new FileNotFoundException($"ONNX model not found: {decoderPath}", decoderPath);
                _decoder = new InferenceSession(decoderPath, new SessionOptions { IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount) });
                var (k, c, h, w) = DecoderShape(_decoder, decoderPath);
                if (_vae != null && (k, c, h, w) != (LatentDim, Channels, Height, Width))
                    throw new ArgumentException($"{decoderPath} (k={k}, {c}x{h}x{w}) does not belong to {vaePath} (k={LatentDim}, {Channels}x{Height}x{Width}).");
                (LatentDim, Channels, Height, Width) = (k, c, h, w);
                if (_decoder.ModelMetadata.CustomMetadataMap.TryGetValue(VaeContract.Metadata.Prior, out var prior))
                    Prior = MixturePriorComponents.Parse(prior, decoderPath, k);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>μ [n, k] and the reconstruction [n, C·H·W] of <paramref name="count"/> images.</summary>
    public (float[] Mu, float[] Reconstruction) Encode(float[] pixels, int count)
    {
        var result = Vae.Run(pixels, count, VaeOutputKinds.Mu | VaeOutputKinds.Reconstruction);
        return (result.Mu!, result.Reconstruction!);
    }

    /// <summary>μ [n, k], reconstruction error [n] and KL [n] of <paramref name="count"/> images (the −ELBO terms at z = μ).</summary>
    public (float[] Mu, float[] Error, float[] Kl) Score(float[] pixels, int count)
    {
        var result = Vae.Run(pixels, count, VaeOutputKinds.Mu | VaeOutputKinds.ReconstructionError | VaeOutputKinds.Kl);
        return (result.Mu!, result.ReconstructionError!, result.Kl!);
    }

    /// <summary>Decodes <paramref name="count"/> latent vectors [n, k] to images [n, C·H·W] in pixel space.</summary>
    public float[] Decode(float[] z, int count)
    {
        var session = _decoder ?? throw new InvalidOperationException("Decoding needs decoder.onnx.");
        if (z.Length != count * LatentDim)
            throw new ArgumentException($"{count} latent vectors of size {LatentDim} need {count * LatentDim} values, got {z.Length}.");
        var input = new DenseTensor<float>(z, new[] { count, LatentDim });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(VaeContract.LatentInput, input) },
            new[] { VaeContract.Reconstruction });
        return results[0].AsTensor<float>().ToArray();
    }

    /// <summary>Splits a flat [n, size] buffer into n arrays.</summary>
    public static List<float[]> Rows(float[] flat, int size) =>
        Enumerable.Range(0, flat.Length / size).Select(i => flat.AsSpan(i * size, size).ToArray()).ToList();

    public void Dispose()
    {
        _vae?.Dispose();
        _decoder?.Dispose();
    }

    private VaeModel Vae => _vae ?? throw new InvalidOperationException("Encoding needs vae.onnx; only a decoder was given.");

    // The decoder carries the same contract metadata as vae.onnx: latent size and image shape.
    private static (int K, int C, int H, int W) DecoderShape(InferenceSession session, string path)
    {
        if (!session.InputMetadata.ContainsKey(VaeContract.LatentInput))
            throw new InvalidDataException(
                $"{path}: not a decoder model (expected input '{VaeContract.LatentInput}', found '{string.Join("', '", session.InputMetadata.Keys)}'); pass decoder.onnx, not vae.onnx.");
        var metadata = session.ModelMetadata.CustomMetadataMap;
        string Required(string key) => metadata.TryGetValue(key, out var value) ? value
            : throw new InvalidDataException($"{path}: metadata '{key}' is missing; is this a decoder.onnx exported by 'vae train' (VAE contract v1)?");
        string latent = Required(VaeContract.Metadata.LatentDim), shape = Required(VaeContract.Metadata.ImageShape);
        var parts = shape.Split('x');
        if (!int.TryParse(latent, System.Globalization.CultureInfo.InvariantCulture, out int k) || k <= 0
            || parts.Length != 3 || !int.TryParse(parts[0], out int c) || !int.TryParse(parts[1], out int h) || !int.TryParse(parts[2], out int w))
            throw new InvalidDataException($"{path}: metadata {VaeContract.Metadata.LatentDim}='{latent}', {VaeContract.Metadata.ImageShape}='{shape}'; expected a positive integer and CxHxW such as 1x28x28.");
        return (k, c, h, w);
    }
}
