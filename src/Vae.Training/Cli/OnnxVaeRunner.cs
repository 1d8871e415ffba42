using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Vae.MLNet;

namespace Vae.Training.Cli;

/// <summary>
/// Runs the exported <c>vae.onnx</c> (image → μ, reconstruction, …) and <c>decoder.onnx</c> (z → image)
/// with ONNX Runtime, for the figures and the sample / interpolate commands: what is drawn is what
/// was exported, not the TorchSharp network it came from.
/// </summary>
internal sealed class OnnxVaeRunner : IDisposable
{
    private readonly InferenceSession? _vae;
    private readonly InferenceSession? _decoder;

    public int LatentDim { get; }
    public int Channels { get; }
    public int Height { get; }
    public int Width { get; }
    public int PixelCount => Channels * Height * Width;

    public OnnxVaeRunner(string? vaePath, string? decoderPath)
    {
        if (vaePath == null && decoderPath == null)
            throw new ArgumentException("Give a vae.onnx or a decoder.onnx model.");
        var options = new SessionOptions { IntraOpNumThreads = Math.Max(1, Environment.ProcessorCount) };
        var metadataSource = vaePath ?? decoderPath!;
        if (vaePath != null) _vae = Open(vaePath, options);
        if (decoderPath != null) _decoder = Open(decoderPath, options);
        var metadata = (_vae ?? _decoder)!.ModelMetadata.CustomMetadataMap;
        LatentDim = int.Parse(Required(metadata, VaeContract.Metadata.LatentDim, metadataSource), System.Globalization.CultureInfo.InvariantCulture);
        string shape = Required(metadata, VaeContract.Metadata.ImageShape, metadataSource);
        var parts = shape.Split('x');
        if (parts.Length != 3 || !int.TryParse(parts[0], out int c) || !int.TryParse(parts[1], out int h) || !int.TryParse(parts[2], out int w))
            throw new InvalidDataException($"{metadataSource}: metadata {VaeContract.Metadata.ImageShape} is '{shape}', expected CxHxW such as 1x28x28.");
        (Channels, Height, Width) = (c, h, w);
    }

    /// <summary>μ [n, k] and the reconstruction [n, C·H·W] of <paramref name="count"/> images.</summary>
    public (float[] Mu, float[] Reconstruction) Encode(float[] pixels, int count)
    {
        var session = _vae ?? throw new InvalidOperationException("Encoding needs vae.onnx; only a decoder was given.");
        if (pixels.Length != count * PixelCount)
            throw new ArgumentException($"{count} images of {Channels}x{Height}x{Width} need {count * PixelCount} pixels, got {pixels.Length}.");
        var input = new DenseTensor<float>(pixels, new[] { count, Channels, Height, Width });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(VaeContract.ImageInput, input) },
            new[] { VaeContract.Mu, VaeContract.Reconstruction });
        return (results.First(r => r.Name == VaeContract.Mu).AsTensor<float>().ToArray(),
                results.First(r => r.Name == VaeContract.Reconstruction).AsTensor<float>().ToArray());
    }

    /// <summary>μ [n, k], reconstruction error [n] and KL [n] of <paramref name="count"/> images (the −ELBO terms at z = μ).</summary>
    public (float[] Mu, float[] Error, float[] Kl) Score(float[] pixels, int count)
    {
        var session = _vae ?? throw new InvalidOperationException("Scoring needs vae.onnx; only a decoder was given.");
        if (pixels.Length != count * PixelCount)
            throw new ArgumentException($"{count} images of {Channels}x{Height}x{Width} need {count * PixelCount} pixels, got {pixels.Length}.");
        var input = new DenseTensor<float>(pixels, new[] { count, Channels, Height, Width });
        using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor(VaeContract.ImageInput, input) },
            new[] { VaeContract.Mu, VaeContract.ReconstructionError, VaeContract.Kl });
        float[] Get(string name) => results.First(r => r.Name == name).AsTensor<float>().ToArray();
        return (Get(VaeContract.Mu), Get(VaeContract.ReconstructionError), Get(VaeContract.Kl));
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

    private static InferenceSession Open(string path, SessionOptions options)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model not found: {path}", path);
        return new InferenceSession(path, options);
    }

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key, string source) =>
        metadata.TryGetValue(key, out var value) ? value
            : throw new InvalidDataException($"{source}: metadata '{key}' is missing; is this a model exported by 'vae train' (VAE contract v1)?");
}
