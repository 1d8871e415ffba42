using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// Images as the preprocessor's bytes, one byte per value ([Count, C, H, W]); a value is handed out as
/// <see cref="ImagePreprocessor.ToUnit(byte)"/>(byte) = byte/255f, the same division the exported ONNX graph does, so
/// training sees bit for bit what the featurizer feeds the model. A quarter of the memory of float32.
/// </summary>
public sealed class ByteImageStore : IImageSource
{
    private readonly byte[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied) as images of <paramref name="pixelsPerImage"/> bytes each.</summary>
    public ByteImageStore(byte[] values, int pixelsPerImage)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        if (values.LongLength % pixelsPerImage != 0)
            throw new ArgumentException($"{values.LongLength} bytes are not a whole number of images of {pixelsPerImage} values.", nameof(values));
        _values = values;
        PixelsPerImage = pixelsPerImage;
        Count = checked((int)(values.LongLength / pixelsPerImage));
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int PixelsPerImage { get; }

    /// <inheritdoc/>
    public long StoredBytes => _values.LongLength;

    /// <inheritdoc/>
    public bool HoldsBytes => true;

    /// <summary>The stored bytes of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> ImageBytes(int index) => _values.AsSpan(Offset(index), PixelsPerImage);

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> target)
    {
        var bytes = ImageBytes(index);
        if (target.Length < bytes.Length)
            throw new ArgumentException($"The target holds {target.Length} values; an image has {bytes.Length}.", nameof(target));
        ImagePreprocessor.ToUnit(bytes, target);
    }

    /// <inheritdoc/>
    public IImageSource Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var values = new byte[(long)indices.Count * PixelsPerImage];
        for (int i = 0; i < indices.Count; i++)
            ImageBytes(indices[i]).CopyTo(values.AsSpan(checked(i * PixelsPerImage), PixelsPerImage));
        return new ByteImageStore(values, PixelsPerImage);
    }

    private int Offset(int index)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Image index must be in [0, {Count}).");
        return checked(index * PixelsPerImage);
    }
}
