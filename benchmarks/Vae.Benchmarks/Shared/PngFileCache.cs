using System.Globalization;
using SkiaSharp;
using Vae.Training.Data;

namespace Vae.Benchmarks.Shared;

/// <summary>
/// The PNG files of the "featurize from files" measurement, made once into a cache folder and reused: opaque
/// RGB PNGs of varied sizes (width and height each drawn from [<see cref="MinSide"/>, <see cref="MaxSide"/>],
/// seeded by the file's index). Sources: the colour clip art of Debian's <c>openclipart-png</c>
/// (<see cref="OpenClipartDirectory"/>, 8,121 files in 22 category folders), composited over white and
/// re-encoded — a second pass over the same sources, mirrored and at new sizes, makes up the count; or,
/// where that package is not installed, the embedded Fashion-MNIST test images (gray, so R = G = B).
/// A file <see cref="ManifestName"/> written last says the folder is complete.
/// </summary>
public static class PngFileCache
{
    /// <summary>Where Debian's openclipart-png installs its PNGs.</summary>
    public const string OpenClipartDirectory = "/usr/share/openclipart/png";

    /// <summary>Smallest and largest width or height of a cached file.</summary>
    public const int MinSide = 40, MaxSide = 200;

    /// <summary>The file that marks a complete cache: source, count and sizes.</summary>
    public const string ManifestName = "manifest.txt";

    /// <summary>The default cache: ~/.cache/vae-mlnet/featurize-from-files/&lt;source&gt;-&lt;count&gt; (or under XDG_CACHE_HOME).</summary>
    public static string DefaultDirectory(string? source, int count)
    {
        string root = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        string kind = source is null ? "fashion-mnist"
            : source == OpenClipartDirectory ? "openclipart"
            : Path.GetFileName(Path.TrimEndingDirectorySeparator(source));
        return Path.Combine(root, "vae-mlnet", "featurize-from-files", $"{kind}-{count}");
    }

    /// <summary>openclipart's folder when it holds PNGs, else null (the Fashion-MNIST fallback).</summary>
    public static string? DefaultSource() =>
        Directory.Exists(OpenClipartDirectory) && Directory.EnumerateFiles(OpenClipartDirectory, "*.png", SearchOption.AllDirectories).Any()
            ? OpenClipartDirectory
            : null;

    /// <summary>
    /// The <paramref name="count"/> cached PNG paths in <paramref name="directory"/> (made first when the folder
    /// has no manifest for this source and count), in index order.
    /// </summary>
    /// <param name="source">A folder of PNGs (searched recursively) or null for the embedded Fashion-MNIST test images.</param>
    public static IReadOnlyList<string> Ensure(string directory, string? source, int count, Action<string>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        string manifest = Path.Combine(directory, ManifestName);
        string expected = Manifest(source, count);
        string images = Path.Combine(directory, "images");
        var paths = Enumerable.Range(0, count).Select(i => Path.Combine(images, $"{i:D5}.png")).ToArray();
        if (File.Exists(manifest) && File.ReadAllText(manifest) == expected && paths.All(File.Exists))
            return paths;

        progress?.Invoke($"making {count} PNG files in {directory} from {source ?? "the embedded Fashion-MNIST test images"}…");
        Directory.CreateDirectory(images);
        File.Delete(manifest);
        var sources = Sources(source);
        int written = 0;
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var bitmap = sources.Draw(i);
            using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            string temporary = paths[i] + ".tmp";
            File.WriteAllBytes(temporary, data.ToArray());
            File.Move(temporary, paths[i], overwrite: true);
            int done = Interlocked.Increment(ref written);
            if (done % 2000 == 0)
                progress?.Invoke($"  {done} / {count}");
        });
        File.WriteAllText(manifest, expected);
        return paths;
    }

    /// <summary>Width and height of cached file <paramref name="index"/>, seeded by the index.</summary>
    public static (int Width, int Height) Size(int index)
    {
#pragma warning disable CA5394 // seeded sizes for a reproducible benchmark, not security
        var random = new Random(index * 7919 + 17);
        return (random.Next(MinSide, MaxSide + 1), random.Next(MinSide, MaxSide + 1));
#pragma warning restore CA5394
    }

    private static string Manifest(string? source, int count) => string.Create(CultureInfo.InvariantCulture,
        $"source={source ?? "embedded fashion-mnist t10k"}\ncount={count}\nsides={MinSide}..{MaxSide}\nformat=opaque RGB PNG, over white, pass 2 mirrored\n");

    private static SourceImages Sources(string? source)
    {
        if (source is null)
            return new FashionMnistSource(FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k"));
        var files = Directory.EnumerateFiles(source, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new InvalidDataException($"{source}: no *.png files to make the benchmark's images from.");
        return new FileSource(files);
    }

    /// <summary>Draws cached image i: source i mod n, mirrored on every odd pass, at <see cref="Size"/>(i).</summary>
    private abstract class SourceImages
    {
        protected abstract int Count { get; }

        protected abstract SKImage Load(int index);

        public SKImage Draw(int index)
        {
            var (width, height) = Size(index);
            using var source = Load(index % Count);
            using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var canvas = surface.Canvas;
            canvas.Clear(SKColors.White);
            if (index / Count % 2 == 1)
            {
                canvas.Translate(width, 0);
                canvas.Scale(-1, 1);
            }
            canvas.DrawImage(source, new SKRect(0, 0, width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            return surface.Snapshot();
        }
    }

    private sealed class FileSource(string[] files) : SourceImages
    {
        protected override int Count => files.Length;

        // An undecodable source is replaced by the next one that decodes, so the cache stays reproducible.
        protected override SKImage Load(int index)
        {
            for (int k = 0; k < files.Length; k++)
                if (SKImage.FromEncodedData(files[(index + k) % files.Length]) is { } image)
                    return image;
            throw new InvalidDataException($"None of the {files.Length} source PNGs decodes (first: {files[0]}).");
        }
    }

    private sealed class FashionMnistSource(ImageSet set) : SourceImages
    {
        protected override int Count => set.Count;

        protected override SKImage Load(int index)
        {
            var pixels = set.Image(index);
            var bytes = new byte[pixels.Length];
            for (int i = 0; i < bytes.Length; i++)
                bytes[i] = (byte)Math.Round(pixels[i] * 255);
            var info = new SKImageInfo(set.Width, set.Height, SKColorType.Gray8, SKAlphaType.Opaque);
            return SKImage.FromPixelCopy(info, bytes, set.Width);
        }
    }
}
