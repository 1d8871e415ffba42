using Vae.MLNet.IO;

namespace Vae.MLNet;

/// <summary>
/// Where in one image the VAE's reconstruction error comes from: the per-pixel terms of −log p(x|x̂)
/// under the model's likelihood, computed by ONNX nodes from the model's <c>reconstruction</c> output
/// (<c>VaeFormulas.ReconstructionErrorTerms</c>, the formula of the model's own error), so that their
/// sum is the model's scalar <c>reconstruction_error</c> (up to float rounding and the clamping of
/// reconstructions that round to exactly 0 or 1 — the model computes the error from logits).
/// </summary>
public sealed class ReconstructionErrorMap
{
    private readonly float[] _values;
    private readonly float[] _locationValues;
    private readonly float[] _pixels;

    private ReconstructionErrorMap(float[] values, float[] pixels, int channels, int height, int width, float modelError)
    {
        _values = values;
        _locationValues = SumOverChannels(values, channels, height * width);
        _pixels = pixels;
        Channels = channels;
        Height = height;
        Width = width;
        ModelError = modelError;
    }

    /// <summary>Image channels C.</summary>
    public int Channels { get; }
    /// <summary>Image height H.</summary>
    public int Height { get; }
    /// <summary>Image width W.</summary>
    public int Width { get; }

    /// <summary>The per-pixel error terms, C·H·W in CHW order.</summary>
    public IReadOnlyList<float> Values => _values;

    /// <summary>
    /// The error per pixel location, H·W row-major: Σ over the C channels of <see cref="Values"/> at (y, x)
    /// (accumulated in double), what the heatmap draws. Equal to <see cref="Values"/> for C = 1.
    /// </summary>
    public IReadOnlyList<float> LocationValues => _locationValues;

    /// <summary>Σ of <see cref="Values"/>, accumulated in double.</summary>
    public double Total => _values.Sum(v => (double)v);

    /// <summary>The model's own scalar reconstruction error for the image.</summary>
    public float ModelError { get; }

    /// <summary>A copy of the per-pixel terms.</summary>
    public float[] ToArray() => (float[])_values.Clone();

    /// <summary>Runs <paramref name="model"/> on one image (C·H·W pixels in [0, 1]) and splits its error by pixel.</summary>
    /// <exception cref="ArgumentException">Wrong pixel count, a pixel outside [0, 1] or not finite, or a model without decoder.</exception>
    /// <exception cref="InvalidDataException">A Gaussian, Laplace or logistic model without its scale (<c>vae.likelihood.sigma</c>, <c>vae.likelihood.scale</c>), or a model without a stated likelihood.</exception>
    public static ReconstructionErrorMap Compute(VaeModel model, ReadOnlySpan<float> pixels)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.HasReconstruction)
            throw new ArgumentException($"'{model.Source}' has no decoder (HasReconstruction = false), so it has no reconstruction error to map.", nameof(model));
        if (pixels.Length != model.PixelCount)
            throw new ArgumentException(
                $"The image has {pixels.Length} values, but the model takes {model.PixelCount} ({model.Channels}x{model.Height}x{model.Width}).", nameof(pixels));
        for (int i = 0; i < pixels.Length; i++)
            if (!(pixels[i] >= 0 && pixels[i] <= 1))
                throw new ArgumentException($"Pixel {i} is {pixels[i]}; the error map needs pixels in [0, 1].", nameof(pixels));
        if (model.Likelihood == null)
            throw new InvalidDataException($"'{model.Source}' does not state its likelihood ({VaeContract.Metadata.Likelihood}); the per-pixel error is undefined.");

        var copy = pixels.ToArray();
        var result = model.DefaultSession.Run(copy, 1, VaeOutputKinds.ReconstructionError | VaeSession.ErrorTerms);
        return new ReconstructionErrorMap(result.ErrorTerms!, copy, model.Channels, model.Height, model.Width, result.ReconstructionError![0]);
    }

    /// <summary>
    /// Writes a PNG of the image upscaled <paramref name="scale"/> times with <see cref="LocationValues"/>
    /// blended on top, scaled to t = error / <paramref name="maxError"/> ∈ [0, 1] (default: this map's largest
    /// location error; pass one value to compare several images). An RGB model (C = 3): the image in colour
    /// under matplotlib's perceptual <c>inferno</c> colormap (black → purple → orange → pale yellow) at a
    /// constant opacity of 0.7, so every location shows 0.3·image + 0.7·inferno(t). Any other C: the image in
    /// grayscale (the channel mean) under a black-red-yellow-white colormap whose opacity grows with the
    /// error, 0.8·t. Written to a temporary file and renamed.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Scale outside 1..64 or a non-positive maxError.</exception>
    public void SaveHeatmapPng(string path, int scale = 8, float? maxError = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (scale is < 1 or > 64)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, $"The heatmap scale must be in 1..64; got {scale}.");
        if (maxError is { } m && !(m > 0 && float.IsFinite(m)))
            throw new ArgumentOutOfRangeException(nameof(maxError), maxError, $"maxError must be a positive finite number; got {m}.");
        byte[] png = ErrorHeatmap.Render(_pixels, _locationValues, Channels, Height, Width, scale, maxError);
        AtomicFile.WriteAllBytes(path, png);
    }

    private static float[] SumOverChannels(float[] values, int channels, int plane)
    {
        var sums = new float[plane];
        for (int i = 0; i < plane; i++)
        {
            double sum = 0;
            for (int c = 0; c < channels; c++)
                sum += values[c * plane + i];
            sums[i] = (float)sum;
        }
        return sums;
    }
}
