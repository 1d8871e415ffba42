using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// A set of images [Count, Channels, Height, Width] with pixels in [0, 1] and optional integer labels (−1 where unknown).
/// The pixels live in an <see cref="IImageSource"/>: bytes for sets read from images (1 byte per value; see
/// <see cref="ByteImageStore"/>), floats for sets made from floats, or files decoded per batch
/// (<see cref="FileImageSource"/>). They are read as floats a batch at a time (<see cref="CopyPixels(int, int, Span{float})"/>),
/// so the whole set is never held as float32.
/// </summary>
public sealed class ImageSet
{
    /// <summary>Where the pixels are held (bytes, floats or files).</summary>
    public IImageSource Store { get; }
    /// <summary>One label per image (class index), or empty when the source had none.</summary>
    public int[] Labels { get; }
    /// <summary>Number of images.</summary>
    public int Count { get; }
    /// <summary>Channels per image (1 for grayscale).</summary>
    public int Channels { get; }
    /// <summary>Image height in pixels.</summary>
    public int Height { get; }
    /// <summary>Image width in pixels.</summary>
    public int Width { get; }
    /// <summary>Class names by label index (e.g. folder names), or empty.</summary>
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>Where the images came from, for logs and model metadata.</summary>
    public string Source { get; }

    /// <summary>
    /// How the images were made from files (recorded in the exported model so the featurizer repeats it);
    /// for sets not read from image files, the default preprocessing for the channel count (null when C ∉ {1, 3}).
    /// </summary>
    public VaeImagePreprocessing? Preprocessing { get; }

    /// <summary>C·H·W.</summary>
    public int PixelsPerImage => Channels * Height * Width;

    /// <summary>Bytes of pixel data held in memory: C·H·W per image for a byte store, 4·C·H·W for floats, 0 for files.</summary>
    public long StoredBytes => Store.StoredBytes;

    /// <summary>
    /// Wraps float pixels (not copied) in a <see cref="FloatImageStore"/> after checking that the sizes agree. Values are
    /// kept exactly as given (generated data need not be multiples of 1/255), at 4 bytes per value.
    /// </summary>
    public ImageSet(float[] pixels, int[] labels, int count, int channels, int height, int width, string source, IReadOnlyList<string>? classNames = null,
        VaeImagePreprocessing? preprocessing = null)
        : this(Wrap(pixels, count, channels, height, width, source), labels, channels, height, width, source, classNames, preprocessing)
    {
    }

    /// <summary>
    /// Wraps byte pixels (not copied; value k is the model input k/255) in a <see cref="ByteImageStore"/> after checking
    /// that the sizes agree: 1 byte per value.
    /// </summary>
    public ImageSet(byte[] pixels, int[] labels, int count, int channels, int height, int width, string source, IReadOnlyList<string>? classNames = null,
        VaeImagePreprocessing? preprocessing = null)
        : this(Wrap(pixels, count, channels, height, width, source), labels, channels, height, width, source, classNames, preprocessing)
    {
    }

    /// <summary>A set over any image source; the count is the source's.</summary>
    public ImageSet(IImageSource store, int[] labels, int channels, int height, int width, string source, IReadOnlyList<string>? classNames = null,
        VaeImagePreprocessing? preprocessing = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(labels);
        int count = store.Count;
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{source}: invalid image set shape {count}x{channels}x{height}x{width}.");
        if (store.PixelsPerImage != (long)channels * height * width)
            throw new ArgumentException($"{source}: the image source holds {store.PixelsPerImage} values per image, not {channels}x{height}x{width}.");
        if (labels.Length != 0 && labels.Length != count)
            throw new ArgumentException($"{source}: {labels.Length} labels for {count} images.");
        (Store, Labels, Count, Channels, Height, Width, Source) = (store, labels, count, channels, height, width, source);
        ClassNames = classNames ?? Array.Empty<string>();
        if (preprocessing != null && preprocessing.Channels != channels)
            throw new ArgumentException($"{source}: the preprocessing makes {preprocessing.Channels}-channel images, but the set has {channels}.");
        Preprocessing = preprocessing?.Clone() ?? channels switch
        {
            1 => new VaeImagePreprocessing { ColorMode = VaeColorMode.Grayscale },
            3 => new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb },
            _ => null,
        };
    }

    private static FloatImageStore Wrap(float[] pixels, int count, int channels, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckShape(pixels.LongLength, "pixels", count, channels, height, width, source);
        return new FloatImageStore(pixels, channels * height * width);
    }

    private static ByteImageStore Wrap(byte[] pixels, int count, int channels, int height, int width, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckShape(pixels.LongLength, "byte pixels", count, channels, height, width, source);
        return new ByteImageStore(pixels, channels * height * width);
    }

    private static void CheckShape(long length, string what, int count, int channels, int height, int width, string source)
    {
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{source}: invalid image set shape {count}x{channels}x{height}x{width}.");
        if (length != (long)count * channels * height * width)
            throw new ArgumentException($"{source}: {length} {what} do not fill {count} images of {channels}x{height}x{width}.");
    }

    /// <summary>Writes images [<paramref name="start"/>, start + <paramref name="count"/>) as floats, image after image, into <paramref name="target"/>.</summary>
    public void CopyPixels(int start, int count, Span<float> target)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(start), $"{Source}: images [{start}, {start + count}) are outside [0, {Count}).");
        int perImage = PixelsPerImage;
        if (target.Length < (long)count * perImage)
            throw new ArgumentException($"{Source}: the target holds {target.Length} values; {count} images need {(long)count * perImage}.", nameof(target));
        for (int i = 0; i < count; i++)
            Store.CopyImage(start + i, target.Slice(i * perImage, perImage));
    }

    /// <summary>Images [<paramref name="start"/>, start + <paramref name="count"/>) as a new float array (for APIs that take one).</summary>
    public float[] CopyPixels(int start, int count)
    {
        var pixels = new float[Math.Max(0, (long)count * PixelsPerImage)];
        CopyPixels(start, count, pixels);
        return pixels;
    }

    /// <summary>Writes the pixels of image <paramref name="index"/> into <paramref name="target"/>.</summary>
    public void CopyImage(int index, Span<float> target) => CopyPixels(index, 1, target);

    /// <summary>The pixels of image <paramref name="index"/> as a new array.</summary>
    public float[] Image(int index) => CopyPixels(index, 1);

    /// <summary>A new set holding the images at <paramref name="indices"/>, in that order, in the same store kind (bytes stay bytes, files stay files).</summary>
    public ImageSet Subset(IReadOnlyList<int> indices, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var labels = Labels.Length == 0 ? Array.Empty<int>() : new int[indices.Count];
        for (int i = 0; i < labels.Length; i++)
            labels[i] = Labels[indices[i]];
        return new ImageSet(Store.Select(indices), labels, Channels, Height, Width, source ?? Source, ClassNames, Preprocessing);
    }

    /// <summary>
    /// Splits the set at random into a training and a validation part: <paramref name="validationFraction"/>
    /// of the images (rounded, at least one each side) go to validation. The same seed gives the same split;
    /// each part keeps the original order of its images.
    /// </summary>
    public (ImageSet Train, ImageSet Validation) Split(double validationFraction, int seed)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, $"{Source}: validation fraction must be in (0, 1).");
        if (Count < 2)
            throw new InvalidOperationException($"{Source}: {Count} image(s) cannot be split into a training and a validation part (need at least 2).");
        int validationCount = Math.Clamp((int)Math.Round(validationFraction * Count, MidpointRounding.AwayFromZero), 1, Count - 1);
        int[] order = Enumerable.Range(0, Count).ToArray();
#pragma warning disable CA5394 // a seeded, reproducible shuffle is the point; this is not security-sensitive
        new Random(seed).Shuffle(order);
#pragma warning restore CA5394
        int[] validation = order[..validationCount];
        int[] train = order[validationCount..];
        Array.Sort(validation);
        Array.Sort(train);
        return (Subset(train, $"{Source} (train split, seed {seed})"), Subset(validation, $"{Source} (validation split, seed {seed})"));
    }

    /// <summary>The first <paramref name="count"/> images (or all, if fewer).</summary>
    public ImageSet Take(int count) => Subset(Enumerable.Range(0, Math.Min(count, Count)).ToArray(), $"{Source}[:{Math.Min(count, Count)}]");
}
