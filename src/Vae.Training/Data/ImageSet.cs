using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// A set of images as one contiguous float buffer, [Count, Channels, Height, Width] row-major, pixels
/// scaled to [0, 1], with optional integer labels (−1 where unknown).
/// </summary>
public sealed class ImageSet
{
    /// <summary>Pixels of all images, image after image.</summary>
    public float[] Pixels { get; }
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

    /// <summary>Wraps existing buffers after checking that their sizes agree.</summary>
    public ImageSet(float[] pixels, int[] labels, int count, int channels, int height, int width, string source, IReadOnlyList<string>? classNames = null,
        VaeImagePreprocessing? preprocessing = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0)
            throw new ArgumentException($"{source}: invalid image set shape {count}x{channels}x{height}x{width}.");
        if (pixels.LongLength != (long)count * channels * height * width)
            throw new ArgumentException($"{source}: {pixels.LongLength} pixels do not fill {count} images of {channels}x{height}x{width}.");
        if (labels.Length != 0 && labels.Length != count)
            throw new ArgumentException($"{source}: {labels.Length} labels for {count} images.");
        (Pixels, Labels, Count, Channels, Height, Width, Source) = (pixels, labels, count, channels, height, width, source);
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

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>A new set holding the images at <paramref name="indices"/>, in that order.</summary>
    public ImageSet Subset(IReadOnlyList<int> indices, string? source = null)
    {
        var pixels = new float[(long)indices.Count * PixelsPerImage];
        var labels = Labels.Length == 0 ? Array.Empty<int>() : new int[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * PixelsPerImage, PixelsPerImage));
            if (labels.Length != 0) labels[i] = Labels[indices[i]];
        }
        return new ImageSet(pixels, labels, indices.Count, Channels, Height, Width, source ?? Source, ClassNames, Preprocessing);
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
