using Vae.MLNet;
using Vae.Training.Data;

namespace Vae.Training;

/// <summary>
/// Random horizontal flip and shift of training images, applied in place to a batch of floats. Each image's draw
/// depends only on (seed, epoch, position in the epoch's order) through <see cref="SeedMixer"/>, not on a running
/// generator, so prefetching, batch sizes at the end of an epoch and a resumed run all give the same images.
/// </summary>
internal sealed class ImageAugmentation
{
    private readonly int _seed, _channels, _height, _width, _shift;
    private readonly bool _flip;
    private readonly float[] _background;

    private ImageAugmentation(ImageSet set, int seed, bool flip, int shift)
    {
        (_seed, _flip, _shift) = (seed, flip, shift);
        (_channels, _height, _width) = (set.Channels, set.Height, set.Width);
        _background = Background(set);
    }

    /// <summary>The augmentation <paramref name="options"/> ask for, or null when they ask for none (the default).</summary>
    internal static ImageAugmentation? For(ImageSet set, TrainOptions options)
    {
        if (!options.AugmentFlip && options.AugmentShift == 0) return null;
        if (options.AugmentShift >= Math.Min(set.Height, set.Width))
            throw new ArgumentException(
                $"{set.Source}: AugmentShift {options.AugmentShift} must be smaller than the image size {set.Height}x{set.Width}.", nameof(options));
        if (options.AugmentShift > 0 && set.Preprocessing is null)
            throw new ArgumentException(
                $"{set.Source}: AugmentShift needs the set's background colour, but a {set.Channels}-channel set has no preprocessing.", nameof(options));
        return new ImageAugmentation(set, options.Seed, options.AugmentFlip, options.AugmentShift);
    }

    /// <summary>
    /// The background as model input per channel: the preprocessing's colour as the bytes a fully transparent pixel
    /// becomes (luma rounded to a byte for grayscale), then byte/255.
    /// </summary>
    internal static float[] Background(ImageSet set)
    {
        if (set.Preprocessing is not { } preprocessing) return new float[set.Channels];
        var (r, g, b) = preprocessing.BackgroundRgb();
        byte[] bytes = preprocessing.ColorMode == VaeColorMode.Grayscale
            ? [(byte)MathF.Round(ImagePreprocessor.LumaRed * r + ImagePreprocessor.LumaGreen * g + ImagePreprocessor.LumaBlue * b)]
            : [r, g, b];
        return Array.ConvertAll(bytes, ImagePreprocessor.ToUnit);
    }

    /// <summary>What image at <paramref name="position"/> of epoch <paramref name="epoch"/> gets: mirrored?, shift right, shift down.</summary>
    internal (bool Flip, int Dx, int Dy) Draw(int epoch, long position)
    {
        ulong h = SeedMixer.Mix(_seed, epoch, SeedMixer.Stream.Augmentation, position);
        ulong span = (ulong)(2 * _shift + 1);
        return (_flip && (h & 1) == 1, (int)((h >> 8) % span) - _shift, (int)((h >> 32) % span) - _shift);
    }

    /// <summary>Augments one image [C, H, W] in place; <paramref name="scratch"/> holds at least C·H·W floats.</summary>
    internal void Apply(Span<float> image, int epoch, long position, Span<float> scratch)
    {
        var (flip, dx, dy) = Draw(epoch, position);
        if (!flip && dx == 0 && dy == 0) return;
        int plane = _height * _width;
        image[..(_channels * plane)].CopyTo(scratch);
        for (int c = 0; c < _channels; c++)
        {
            for (int y = 0; y < _height; y++)
            {
                int sy = y - dy;
                for (int x = 0; x < _width; x++)
                {
                    // Output (x, y) shows the source pixel that moved there; the mirror comes first, then the shift.
                    int sx = x - dx;
                    bool inside = sy >= 0 && sy < _height && sx >= 0 && sx < _width;
                    image[c * plane + y * _width + x] = inside
                        ? scratch[c * plane + sy * _width + (flip ? _width - 1 - sx : sx)]
                        : _background[c];
                }
            }
        }
    }
}
