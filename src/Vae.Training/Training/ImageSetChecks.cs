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
        float[] pixels = set.Pixels;
        for (int i = 0; i < pixels.Length; i++)
        {
            float p = pixels[i];
            if (!(p >= 0f && p <= 1f)) // also catches NaN
                throw new ArgumentException(
                    $"{set.Source}: image {i / set.PixelsPerImage}, pixel {i % set.PixelsPerImage} is {p}; expected a finite value in [0, 1].",
                    parameterName);
        }
    }
}
