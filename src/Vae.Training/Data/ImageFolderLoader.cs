using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// Loads a folder of images laid out as <c>root/&lt;class&gt;/**/*.png|jpg|jpeg</c> into an <see cref="ImageSet"/>:
/// the label is the index of the class folder in ordinal name order (folder names become
/// <see cref="ImageSet.ClassNames"/>). A folder holding images and no class subfolders gives an unlabeled set.
/// Images are decoded and preprocessed by <see cref="VaeImagePreprocessing"/> (the steps the featurizer repeats
/// on ML.NET image columns) and scaled to [0, 1].
/// </summary>
public static class ImageFolderLoader
{
    /// <summary>File extensions that are loaded (case-insensitive); other files are ignored.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".png", ".jpg", ".jpeg" };

    /// <summary>Loads every image under <paramref name="directory"/>; see the class remarks for the layout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, images beside class folders, or an undecodable file (named).</exception>
    public static ImageSet Load(string directory, int height, int width, VaeColorMode colorMode = VaeColorMode.Grayscale) =>
        Load(directory, height, width, new VaeImagePreprocessing { ColorMode = colorMode });

    /// <summary>Loads every image under <paramref name="directory"/> with the given preprocessing; see the class remarks for the layout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, images beside class folders, or an undecodable file (named).</exception>
    public static ImageSet Load(string directory, int height, int width, VaeImagePreprocessing preprocessing) =>
        Read(directory, height, width, preprocessing, onTheFly: false);

    /// <summary>
    /// Lists the images under <paramref name="directory"/> like <see cref="Load(string, int, int, VaeImagePreprocessing)"/>
    /// but decodes none: the set's <see cref="FileImageSource"/> decodes each file when its batch is read, so sets larger
    /// than memory can be trained on; its batches equal the loaded set's bit for bit. Undecodable files are found when read.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, or images beside class folders.</exception>
    public static ImageSet Open(string directory, int height, int width, VaeImagePreprocessing preprocessing) =>
        Read(directory, height, width, preprocessing, onTheFly: true);

    private static ImageSet Read(string directory, int height, int width, VaeImagePreprocessing preprocessing, bool onTheFly)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        preprocessing = preprocessing.Clone();
        preprocessing.Validate();
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Target image size must be positive, got {height}x{width}.", nameof(height));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder not found: {directory}");

        var (files, labels, classNames) = ListFiles(directory);
        // Bytes as the preprocessor makes them (C·H·W per image); read as byte/255 a batch at a time.
        var fileSource = new FileImageSource(files, height, width, preprocessing);
        IImageSource store = onTheFly ? fileSource : fileSource.ToByteStore();
        return new ImageSet(store, labels, preprocessing.Channels, height, width, $"image folder {directory}", classNames, preprocessing);
    }

    private static (List<string> Files, int[] Labels, string[] ClassNames) ListFiles(string directory)
    {
        // Hidden folders (.git, .ipynb_checkpoints) are not classes.
        string[] classDirs = Directory.GetDirectories(directory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        List<string> rootImages = ImagesIn(directory, SearchOption.TopDirectoryOnly);

        if (classDirs.Length == 0)
        {
            if (rootImages.Count == 0)
                throw new InvalidDataException($"{directory}: no images found (expected *.png / *.jpg / *.jpeg files, or one subfolder per class).");
            return (rootImages, Array.Empty<int>(), Array.Empty<string>());
        }
        if (rootImages.Count != 0)
            throw new InvalidDataException(
                $"{directory}: holds class subfolders and also {rootImages.Count} image(s) directly inside (e.g. {rootImages[0]}); put every image in a class folder.");

        var files = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classDirs.Length; label++)
        {
            List<string> images = ImagesIn(classDirs[label], SearchOption.AllDirectories);
            if (images.Count == 0)
                throw new InvalidDataException($"{classDirs[label]}: class folder holds no images (expected *.png / *.jpg / *.jpeg).");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Count));
        }
        return (files, labels.ToArray(), classDirs.Select(d => Path.GetFileName(d)!).ToArray());
    }

    private static List<string> ImagesIn(string directory, SearchOption option) =>
        Directory.EnumerateFiles(directory, "*", option)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
}
