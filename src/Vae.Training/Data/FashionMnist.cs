namespace Vae.Training.Data;

/// <summary>Locates the Fashion-MNIST files: the embedded test split and the full Debian set.</summary>
public static class FashionMnist
{
    /// <summary>Class names by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames = new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    };

    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the full set.</summary>
    public const string DebianDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>
    /// The repository's <c>data/fashion-mnist</c>, found by walking up from <paramref name="start"/>
    /// (default: the app's base directory, then the current directory).
    /// </summary>
    public static string EmbeddedDirectory(string? start = null)
    {
        foreach (string origin in start != null ? new[] { start } : new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(origin); dir != null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "data", "fashion-mnist");
                if (File.Exists(Path.Combine(candidate, "t10k-images-idx3-ubyte.gz")))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            "data/fashion-mnist (with t10k-images-idx3-ubyte.gz) not found above the program or the current directory; pass --data DIR.");
    }

    /// <summary>Reads split <paramref name="split"/> ("train" or "t10k") from an IDX folder, gz or not.</summary>
    public static ImageSet Load(string directory, string split)
    {
        string images = Find(directory, $"{split}-images-idx3-ubyte");
        string labels = Find(directory, $"{split}-labels-idx1-ubyte");
        var set = IdxReader.ReadImages(images, labels);
        return new ImageSet(set.Pixels, set.Labels, set.Count, 1, set.Height, set.Width, $"fashion-mnist/{split} ({directory})", ClassNames);
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
