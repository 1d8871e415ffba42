namespace Vae.Training.Data;

/// <summary>
/// Images as float32 values ([Count, C, H, W]), for sets made from floats: generated or transformed data whose
/// values need not be multiples of 1/255 (they are kept exactly rather than rounded to bytes or refused).
/// Four bytes per value; image loaders produce a <see cref="ByteImageStore"/> instead.
/// </summary>
public sealed class FloatImageStore : IImageSource
{
    private readonly float[] _values;

    /// <summary>Wraps <paramref name="values"/> (not copied) as images of <paramref name="pixelsPerImage"/> floats each.</summary>
    public FloatImageStore(float[] values, int pixelsPerImage)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        if (values.LongLength % pixelsPerImage != 0)
            throw new ArgumentException($"{values.LongLength} floats are not a whole number of images of {pixelsPerImage} values.", nameof(values));
        _values = values;
        PixelsPerImage = pixelsPerImage;
        Count = checked((int)(values.LongLength / pixelsPerImage));
    }

    /// <inheritdoc/>
    public int Count { get; }

    /// <inheritdoc/>
    public int PixelsPerImage { get; }

    /// <inheritdoc/>
    public long StoredBytes => _values.LongLength * sizeof(float);

    /// <inheritdoc/>
    public bool HoldsBytes => false;

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> target)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Image index must be in [0, {Count}).");
        _values.AsSpan(checked(index * PixelsPerImage), PixelsPerImage).CopyTo(target);
    }

    /// <inheritdoc/>
    public IImageSource Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var values = new float[(long)indices.Count * PixelsPerImage];
        for (int i = 0; i < indices.Count; i++)
            CopyImage(indices[i], values.AsSpan(checked(i * PixelsPerImage), PixelsPerImage));
        return new FloatImageStore(values, PixelsPerImage);
    }
}
