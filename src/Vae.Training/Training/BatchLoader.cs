using System.Runtime.InteropServices;
using Vae.Training.Data;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Reads images from an <see cref="ImageSet"/> (bytes converted, files decoded, floats copied) into one of two
/// preallocated [batch, C, H, W] tensors, in any order, so a training epoch allocates no per-batch input tensors.
/// With prefetch on, returning batch b starts preparing batch b + 1 of the same order into the other tensor on a
/// background task (one batch ahead, no more), so decoding overlaps the training step. A batch's contents depend only
/// on (order, batch index, epoch), never on timing: a prefetched batch is used only if it is exactly the one asked
/// for, otherwise it is discarded and the batch is read on the caller's thread.
/// A returned batch is a view of a buffer and is valid until the next call.
/// </summary>
internal sealed class BatchLoader : IDisposable
{
    private readonly ImageSet _set;
    private readonly ImageAugmentation? _augmentation;
    private readonly bool _prefetch;
    private readonly Tensor[] _buffers = new Tensor[2];
    private readonly CancellationTokenSource _stopping = new();
    private int _handedOut = 1; // the buffer the caller may still be reading; the next batch goes into the other
    private Pending? _pending;

    // The indices are a private copy, so the caller may reshuffle its order while the task reads.
    private sealed record Pending(Task Task, int Buffer, int[] Indices, int Batch, int Epoch);

    internal BatchLoader(ImageSet set, int batchSize, bool prefetch = false, ImageAugmentation? augmentation = null)
    {
        _set = set;
        _prefetch = prefetch;
        _augmentation = augmentation;
        BatchSize = Math.Min(batchSize, Math.Max(set.Count, 1));
        for (int i = 0; i < _buffers.Length; i++)
            _buffers[i] = zeros([BatchSize, set.Channels, set.Height, set.Width], ScalarType.Float32);
    }

    internal int BatchSize { get; }

    internal int BatchCount => (_set.Count + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The images <paramref name="order"/>[b·B .. (b+1)·B) as a view of a buffer (no ownership transfer), augmented
    /// (if the loader augments) with the draws of <paramref name="epoch"/>.
    /// </summary>
    internal Tensor Batch(IReadOnlyList<int> order, int batch, int epoch = 0)
    {
        int start = batch * BatchSize;
        int count = Math.Min(BatchSize, order.Count - start);
        if (start < 0 || count <= 0)
            throw new ArgumentOutOfRangeException(nameof(batch), batch, $"Batch index must be in [0, {(order.Count + BatchSize - 1) / BatchSize}).");
        int target = 1 - _handedOut;
        if (!TakePending(order, start, count, batch, epoch, target))
            Fill(_buffers[target], Slice(order, start, count), batch, epoch, CancellationToken.None);
        _handedOut = target;

        int next = start + count;
        if (_prefetch && next < order.Count)
        {
            int[] indices = Slice(order, next, Math.Min(BatchSize, order.Count - next));
            var buffer = _buffers[1 - target];
            var token = _stopping.Token;
            _pending = new Pending(Task.Run(() => Fill(buffer, indices, batch + 1, epoch, token), token), 1 - target, indices, batch + 1, epoch);
        }
        var result = _buffers[target];
        return count == BatchSize ? result.alias() : result.narrow(0, 0, count);
    }

    // Waits for the prefetch task; true when it prepared exactly this batch (its failure is then this batch's failure).
    private bool TakePending(IReadOnlyList<int> order, int start, int count, int batch, int epoch, int target)
    {
        if (_pending is not { } pending) return false;
        _pending = null;
        bool same = pending.Buffer == target && pending.Batch == batch && pending.Epoch == epoch && pending.Indices.Length == count;
        for (int i = 0; same && i < count; i++)
            same = pending.Indices[i] == order[start + i];
        if (same)
        {
            pending.Task.GetAwaiter().GetResult();
            return true;
        }
        Wait(pending.Task); // a discarded batch's failure does not matter; the buffer is free once it is done
        return false;
    }

    private void Fill(Tensor buffer, int[] indices, int batch, int epoch, CancellationToken cancellationToken)
    {
        int perImage = _set.PixelsPerImage;
        var scratch = _augmentation is null ? Array.Empty<float>() : new float[perImage];
        for (int i = 0; i < indices.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The buffer is contiguous CPU memory; its byte span aliases the tensor's storage.
            var image = MemoryMarshal.Cast<byte, float>(buffer.bytes).Slice(i * perImage, perImage);
            _set.CopyImage(indices[i], image);
            _augmentation?.Apply(image, epoch, (long)batch * BatchSize + i, scratch);
        }
    }

    private static int[] Slice(IReadOnlyList<int> order, int start, int count)
    {
        var indices = new int[count];
        for (int i = 0; i < count; i++) indices[i] = order[start + i];
        return indices;
    }

    private static void Wait(Task task)
    {
        try
        {
            task.GetAwaiter().GetResult();
        }
#pragma warning disable CA1031 // the batch is thrown away; whatever stopped it (cancellation, a bad file read again later) is irrelevant here
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Stops and waits for a prefetch in flight (it stops at the next image), then frees the buffers.</summary>
    public void Dispose()
    {
        _stopping.Cancel();
        if (_pending is { } pending) Wait(pending.Task);
        _pending = null;
        _stopping.Dispose();
        foreach (var buffer in _buffers) buffer.Dispose();
    }
}
