using System.Buffers;
using Microsoft.ML.Data;
using SkiaSharp;

namespace Vae.MLNet;

/// <summary>
/// A batch of MLImages of a contract v2 model, preprocessed in parallel. The upstream getter (LoadImages' decode)
/// must run on the cursor's thread, row by row; <see cref="Capture"/> copies each decoded image's pixels out of it
/// (the getter may reuse or dispose the MLImage on the next call), and <see cref="Complete"/> then resizes, composites
/// and converts the whole batch on every core, so the cursor's thread only decodes.
/// </summary>
internal sealed class ContractImageBatch
{
    private readonly VaeModel _model;
    private readonly VaeImagePreprocessing _preprocessing;
    private Captured[] _captured;
    private int _count;

    private readonly record struct Captured(byte[] Pixels, int Width, int Height, bool Bgra, string? Tag);

    /// <param name="model">The contract v2 model.</param>
    /// <param name="capacity">Initial slots; the batch grows as rows are captured.</param>
    public ContractImageBatch(VaeModel model, int capacity)
    {
        _model = model;
        _preprocessing = model.Description.Preprocessing!;
        _captured = new Captured[Math.Max(1, capacity)];
    }

    /// <summary>Copies <paramref name="image"/> into slot <see cref="_count"/>, after the per-row checks (named by column and row).</summary>
    public void Capture(MLImage image, bool resize, string column, long row)
    {
        FeaturizerInput.CheckImage(_model, image, resize, column, row);
        if (_count == _captured.Length)
            Array.Resize(ref _captured, 2 * _captured.Length);
        var pixels = ArrayPool<byte>.Shared.Rent(image.Pixels.Length);
        image.Pixels.CopyTo(pixels);
        _captured[_count++] = new Captured(pixels, image.Width, image.Height, image.PixelFormat == MLPixelFormat.Bgra32, image.Tag);
    }

    /// <summary>Preprocesses the captured images into <paramref name="destination"/> (C·H·W values each, in slot order) and empties the batch.</summary>
    public void Complete(float[] destination)
    {
        int count = _count, p = _model.PixelCount;
        try
        {
            Parallel.For(0, count, () => new byte[p], (i, _, scratch) =>
            {
                var c = _captured[i];
                var origin = _preprocessing.ApplyExifOrientation ? FeaturizerInput.OriginFromTag(c.Tag) : SKEncodedOrigin.TopLeft;
                ImagePreprocessor.Apply(_preprocessing, c.Pixels.AsSpan(0, 4 * c.Width * c.Height), c.Width, c.Height, c.Bgra, origin,
                    _model.Height, _model.Width, scratch);
                ImagePreprocessor.ToUnit(scratch, destination.AsSpan(i * p, p));
                return scratch;
            }, _ => { });
        }
        finally
        {
            for (int i = 0; i < count; i++)
            {
                ArrayPool<byte>.Shared.Return(_captured[i].Pixels);
                _captured[i] = default;
            }
            _count = 0;
        }
    }
}
