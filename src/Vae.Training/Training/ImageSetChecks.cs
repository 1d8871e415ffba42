using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Training;

/// <summary>Checks that an <see cref="ImageSet"/> can be fed to a network: same image shape, finite pixels in [0, 1].</summary>
internal static class ImageSetChecks
{
    internal static void RequireMatches(ImageSet set, VaeArchitecture architecture, string parameterName)
    {
        if (set.Channels != architecture.Channels || set.Height != architecture.Height || set.Width != architecture.Width)
            throw new ArgumentException(
                $"{set.Source}: images are {set.Channels}x{set.Height}x{set.Width} but the network expects {architecture.Channels}x{architecture.Height}x{architecture.Width}.",
                parameterName);
    }

    internal static void RequirePixelsInUnitRange(ImageSet set, string parameterName)
    {
        if (set.Store.HoldsBytes) return; // k/255 is finite and in [0, 1] for every byte k; files are not decoded just to check that
        int perImage = set.PixelsPerImage;
        var image = new float[perImage];
        for (int n = 0; n < set.Count; n++)
        {
            set.CopyImage(n, image);
            for (int i = 0; i < perImage; i++)
            {
                float p = image[i];
                if (!(p >= 0f && p <= 1f)) // also catches NaN
                    throw new ArgumentException(
                        $"{set.Source}: image {n}, pixel {i} is {p}; expected a finite value in [0, 1].",
                        parameterName);
            }
        }
    }

    /// <summary>Σ of every pixel in image order, read one image at a time (the same number for a byte and a float store of the same values).</summary>
    internal static double PixelSum(ImageSet set)
    {
        double sum = 0;
        var image = new float[set.PixelsPerImage];
        for (int n = 0; n < set.Count; n++)
        {
            set.CopyImage(n, image);
            foreach (float p in image) sum += p;
        }
        return sum;
    }
}
