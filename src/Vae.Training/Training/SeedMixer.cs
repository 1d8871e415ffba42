namespace Vae.Training;

/// <summary>
/// Derives independent, reproducible seeds from (run seed, epoch, stream) with SplitMix64 — fixed
/// arithmetic, unlike <see cref="HashCode"/>, which is randomised per process. Because every epoch's
/// randomness depends only on these numbers, a resumed run draws exactly what an uninterrupted run draws.
/// </summary>
internal static class SeedMixer
{
    /// <summary>What a derived seed is used for; each stream gets unrelated numbers.</summary>
    internal enum Stream : long
    {
        Initialisation = 1,
        Shuffle = 2,
        Epsilon = 3,
        Evaluation = 4,
        PriorInitialisation = 5,
        Augmentation = 6,
    }

    internal static ulong Mix(long seed, long epoch, Stream stream)
    {
        ulong h = SplitMix((ulong)seed);
        h = SplitMix(h ^ (ulong)epoch);
        return SplitMix(h ^ (ulong)stream);
    }

    /// <summary>A seed for item <paramref name="index"/> (e.g. an image's position in the epoch) of a stream.</summary>
    internal static ulong Mix(long seed, long epoch, Stream stream, long index) => SplitMix(Mix(seed, epoch, stream) ^ (ulong)index);

    /// <summary>A non-negative <see cref="int"/> seed for <see cref="Random"/>.</summary>
    internal static int MixToInt(long seed, long epoch, Stream stream) => (int)(Mix(seed, epoch, stream) >> 33);

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }
}
