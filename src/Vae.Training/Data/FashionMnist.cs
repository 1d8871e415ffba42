using System.IO.Compression;

namespace Vae.Training.Data;

/// <summary>Fashion-MNIST: the test split embedded in this assembly, IDX folders, and the full Debian set.</summary>
public static class FashionMnist
{
    /// <summary>Class names by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the full set.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>What <see cref="ImageSet.Source"/> says for <see cref="LoadEmbeddedTest"/>'s images.</summary>
    public const string EmbeddedTestSource = "fashion-mnist/t10k (embedded)";

    private const string ResourcePrefix = "Vae.Training.Data.fashion-mnist.";

    /// <summary>
    /// The Fashion-MNIST test split embedded in this assembly: 10,000 labelled 28×28 grayscale images, pixels scaled
    /// to [0, 1] (the t10k files as published, MIT licence, © Zalando SE). Needs no files, so it works from any
    /// directory; each call returns a new set. The full 70,000 images: <see cref="Load"/> on
    /// <see cref="DebianDirectory"/> or on a folder holding the published IDX files.
    /// </summary>
    public static ImageSet LoadEmbeddedTest()
    {
        using var images = new GZipStream(OpenResource("t10k-images-idx3-ubyte.gz"), CompressionMode.Decompress);
        using var labels = new GZipStream(OpenResource("t10k-labels-idx1-ubyte.gz"), CompressionMode.Decompress);
        var set = IdxReader.ReadImages(images, EmbeddedTestSource + " images", labels, EmbeddedTestSource + " labels", EmbeddedTestSource);
        return new ImageSet(set.Store, set.Labels, set.Channels, set.Height, set.Width, set.Source, ClassNames);
    }

    private static Stream OpenResource(string file) =>
        typeof(FashionMnist).Assembly.GetManifestResourceStream(ResourcePrefix + file)
        ?? throw new InvalidOperationException($"{typeof(FashionMnist).Assembly.GetName().Name}.dll has no embedded resource {ResourcePrefix + file}; the assembly was built without data/fashion-mnist.");

    /// <summary>
    /// A folder <c>data/fashion-mnist</c> holding the t10k files (in a clone of this repository), found by walking up
    /// from <paramref name="start"/> (default: the app's base directory, then the current directory). Outside a clone,
    /// <see cref="LoadEmbeddedTest"/> reads the same images from this assembly.
    /// </summary>
    public static string EmbeddedDirectory(string? start = null)
    {
        var origins = start != null ? new[] { start } : new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() };
        foreach (string origin in origins)
        {
            for (var dir = new DirectoryInfo(origin); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
                if (File.Exists(Path.Combine(candidate, "t10k-images-idx3-ubyte.gz")))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            $"No data/fashion-mnist folder with t10k-images-idx3-ubyte.gz above {string.Join(" or ", origins)}. " +
            "FashionMnist.LoadEmbeddedTest() reads the same images from the Vae.Training assembly; " +
            "FashionMnist.Load(directory, \"t10k\") reads them from a folder of IDX files.");
    }

    /// <summary>Reads split <paramref name="split"/> ("train" or "t10k") from an IDX folder, gz or not.</summary>
    public static ImageSet Load(string directory, string split)
    {
        string images = Find(directory, $"{split}-images-idx3-ubyte");
        string labels = Find(directory, $"{split}-labels-idx1-ubyte");
        var set = IdxReader.ReadImages(images, labels);
        return new ImageSet(set.Store, set.Labels, 1, set.Height, set.Width, $"fashion-mnist/{split} ({directory})", ClassNames);
    }

    /// <summary>True when <paramref name="directory"/> holds split <paramref name="split"/>.</summary>
    public static bool Has(string directory, string split) =>
        File.Exists(Path.Combine(directory, $"{split}-images-idx3-ubyte.gz")) || File.Exists(Path.Combine(directory, $"{split}-images-idx3-ubyte"));

    private static string Find(string directory, string stem)
    {
        foreach (string name in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(directory, name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{Path.Combine(directory, stem)}(.gz) not found.", Path.Combine(directory, stem));
    }
}
