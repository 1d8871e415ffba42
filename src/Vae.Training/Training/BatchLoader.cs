using System.Runtime.InteropServices;
using Vae.Training.Data;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Copies images from an <see cref="ImageSet"/>'s float buffer straight into one preallocated
/// [batch, C, H, W] tensor, in any order, so a training epoch allocates no per-batch input tensors.
/// A returned batch is a view of that buffer and is overwritten by the next call.
/// </summary>
internal sealed class BatchLoader : IDisposable
{
    private readonly ImageSet _set;
    private readonly Tensor _buffer;

    internal BatchLoader(ImageSet set, int batchSize)
    {
        _set = set;
        BatchSize = Math.Min(batchSize, Math.Max(set.Count, 1));
        _buffer = zeros([BatchSize, set.Channels, set.Height, set.Width], ScalarType.Float32);
    }

    internal int BatchSize { get; }

    internal int BatchCount => (_set.Count + BatchSize - 1) / BatchSize;

    /// <summary>The images <paramref name="order"/>[b·B .. (b+1)·B) as a view of the buffer (no ownership transfer).</summary>
    internal Tensor Batch(IReadOnlyList<int> order, int batch)
    {
        int start = batch * BatchSize;
        int count = Math.Min(BatchSize, order.Count - start);
        int perImage = _set.PixelsPerImage;
        // The buffer is contiguous CPU memory; its byte span aliases the tensor's storage.
        Span<float> target = MemoryMarshal.Cast<byte, float>(_buffer.bytes);
        for (int i = 0; i < count; i++)
            _set.Pixels.AsSpan(order[start + i] * perImage, perImage).CopyTo(target.Slice(i * perImage, perImage));
        return count == BatchSize ? _buffer.alias() : _buffer.narrow(0, 0, count);
    }

    public void Dispose() => _buffer.Dispose();
}
