namespace Vae.Training.Data;

/// <summary>
/// Where an <see cref="ImageSet"/>'s pixels live: bytes in memory (<see cref="ByteImageStore"/>), floats in memory
/// (<see cref="FloatImageStore"/>) or image files decoded when asked (<see cref="FileImageSource"/>). Every source
/// hands out images as model input floats, one image at a time into the caller's buffer, so a batch is converted
/// when it is needed instead of the whole set being held as float32. Implementations are read-only and safe to read
/// from several threads at once (the batch loader prepares the next batch on a background task).
/// </summary>
public interface IImageSource
{
    /// <summary>Number of images.</summary>
    int Count { get; }

    /// <summary>C·H·W values per image.</summary>
    int PixelsPerImage { get; }

    /// <summary>Bytes of pixel data this source holds in memory (0 for a source that reads files).</summary>
    long StoredBytes { get; }

    /// <summary>True when every value is some byte k as k/255 (so it is finite and in [0, 1] without looking).</summary>
    bool HoldsBytes { get; }

    /// <summary>Writes image <paramref name="index"/> as PixelsPerImage floats into <paramref name="target"/>.</summary>
    void CopyImage(int index, Span<float> target);

    /// <summary>A source holding the images at <paramref name="indices"/>, in that order, in the same representation (bytes stay bytes).</summary>
    IImageSource Select(IReadOnlyList<int> indices);
}
