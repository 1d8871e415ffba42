using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// Images decoded from their files each time they are asked for, for sets larger than memory: only the file list
/// is held. Each file goes through <see cref="ImageDecoder"/> and <see cref="ImagePreprocessor"/> exactly as
/// <see cref="ImageFolderLoader.Load(string, int, int, VaeImagePreprocessing)"/> does, so a batch equals, bit for bit,
/// the same batch of the loaded set. Reading is stateless, so the batch loader may decode on a background task.
/// </summary>
public sealed class FileImageSource : IImageSource
{
    private readonly string[] _files;
    private readonly VaeImagePreprocessing _preprocessing;
    private readonly long _maxPixels;

    /// <summary>
    /// Images from <paramref name="files"/>, resized to <paramref name="height"/>×<paramref name="width"/> by <paramref name="preprocessing"/>;
    /// a file whose header states more than <paramref name="maxPixels"/> pixels is refused before decoding.
    /// </summary>
    public FileImageSource(IReadOnlyList<string> files, int height, int width, VaeImagePreprocessing preprocessing, long maxPixels = ImageFolderOptions.DefaultMaxPixels)
    {
        if (maxPixels <= 0)
            throw new ArgumentOutOfRangeException(nameof(maxPixels), maxPixels, "The pixel limit must be positive.");
        _maxPixels = maxPixels;
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(preprocessing);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Target image size must be positive, got {height}x{width}.", nameof(height));
        _preprocessing = preprocessing.Clone();
        _preprocessing.Validate();
        _files = files.ToArray();
        (Height, Width) = (height, width);
        PixelsPerImage = checked(_preprocessing.Channels * height * width);
    }

    /// <summary>The image files, in image order.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Target height in pixels.</summary>
    public int Height { get; }

    /// <summary>Target width in pixels.</summary>
    public int Width { get; }

    /// <summary>How each file is turned into model input.</summary>
    public VaeImagePreprocessing Preprocessing => _preprocessing.Clone();

    /// <inheritdoc/>
    public int Count => _files.Length;

    /// <inheritdoc/>
    public int PixelsPerImage { get; }

    /// <inheritdoc/>
    public long StoredBytes => 0;

    /// <inheritdoc/>
    public bool HoldsBytes => true;

    /// <summary>Decodes and preprocesses image <paramref name="index"/> into its C·H·W bytes.</summary>
    /// <exception cref="InvalidDataException">The file is not a decodable image (named).</exception>
    public void DecodeBytes(int index, Span<byte> target)
    {
        if ((uint)index >= (uint)Count)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Image index must be in [0, {Count}).");
        string path = _files[index];
        ImageFile.CheckReadable(path);
        using var decoded = ImageDecoder.DecodeFile(path, _maxPixels);
        ImagePreprocessor.Apply(_preprocessing, decoded.Pixels, decoded.Width, decoded.Height, decoded.Bgra, decoded.Origin, Height, Width,
            target[..PixelsPerImage]);
    }

    /// <inheritdoc/>
    public void CopyImage(int index, Span<float> target)
    {
        var bytes = new byte[PixelsPerImage];
        DecodeBytes(index, bytes);
        ImagePreprocessor.ToUnit(bytes, target);
    }

    /// <summary>Decodes every file once into a <see cref="ByteImageStore"/> (C·H·W bytes per image).</summary>
    public ByteImageStore ToByteStore()
    {
        var values = new byte[(long)Count * PixelsPerImage];
        for (int i = 0; i < Count; i++)
            DecodeBytes(i, values.AsSpan(checked(i * PixelsPerImage), PixelsPerImage));
        return new ByteImageStore(values, PixelsPerImage);
    }

    /// <inheritdoc/>
    public IImageSource Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var files = new string[indices.Count];
        for (int i = 0; i < files.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"Image index must be in [0, {Count}).");
            files[i] = _files[indices[i]];
        }
        return new FileImageSource(files, Height, Width, _preprocessing, _maxPixels);
    }
}
