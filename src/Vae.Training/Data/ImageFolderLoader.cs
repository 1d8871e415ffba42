using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>
/// Loads a folder of images laid out as <c>root/&lt;class&gt;/**/*.png|jpg|…</c> (or the images a CSV manifest lists)
/// into an <see cref="ImageSet"/>: the label is the index of the class folder in ordinal name order (folder names become
/// <see cref="ImageSet.ClassNames"/>; <see cref="ImageFolderOptions.LabelDepth"/> picks a deeper level). A folder holding
/// images and no class subfolders gives an unlabeled set. Images are decoded and preprocessed by
/// <see cref="VaeImagePreprocessing"/> (the steps the featurizer repeats on ML.NET image columns) and scaled to [0, 1].
/// </summary>
public static class ImageFolderLoader
{
    /// <summary>File extensions that are loaded (case-insensitive); other files are skipped and counted.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".png", ".jpg", ".jpeg", ".bmp", ".webp", ".gif" };

    /// <summary>Loads every image under <paramref name="directory"/>; see the class remarks for the layout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, images beside class folders, or an undecodable file (named).</exception>
    public static ImageSet Load(string directory, int height, int width, VaeColorMode colorMode = VaeColorMode.Grayscale) =>
        Load(directory, height, width, new VaeImagePreprocessing { ColorMode = colorMode });

    /// <summary>Loads every image under <paramref name="directory"/> with the given preprocessing; see the class remarks for the layout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, images beside class folders, or an undecodable file (named).</exception>
    public static ImageSet Load(string directory, int height, int width, VaeImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return Read(directory, height, width, new ImageFolderOptions { Preprocessing = preprocessing }).Images;
    }

    /// <summary>Loads every image under <paramref name="directory"/> and reports the files skipped.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// No images, a class folder without images, images above the label depth, or (unless skipped by the options) an
    /// undecodable, truncated, oversized or non-regular file (named).
    /// </exception>
    public static ImageLoadResult Read(string directory, int height, int width, ImageFolderOptions options)
    {
        options = Checked(options, height, width);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder not found: {directory}");
        return Decode(ImageFolderListing.List(directory, options.LabelDepth), height, width, options, $"image folder {directory}");
    }

    /// <summary>Loads the images a CSV manifest lists (header <c>path,label</c>; paths relative to the manifest's folder).</summary>
    /// <exception cref="FileNotFoundException">The manifest does not exist.</exception>
    /// <exception cref="InvalidDataException">A malformed line or a missing image (both named with the line), or a bad image as for <see cref="Read"/>.</exception>
    public static ImageLoadResult ReadManifest(string manifestPath, int height, int width, ImageFolderOptions options)
    {
        options = Checked(options, height, width);
        ArgumentException.ThrowIfNullOrEmpty(manifestPath);
        return Decode(ImageManifest.Read(manifestPath), height, width, options, $"image manifest {manifestPath}");
    }

    private static ImageFolderOptions Checked(ImageFolderOptions options, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(options);
        options = options.Clone();
        options.Validate();
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Target image size must be positive, got {height}x{width}.", nameof(height));
        return options;
    }

    private static ImageLoadResult Decode(ImageListing listing, int height, int width, ImageFolderOptions options, string source)
    {
        var preprocessing = options.Preprocessing;
        int channels = preprocessing.Channels;
        int perImage = channels * height * width;
        var pixels = new float[(long)listing.Files.Count * perImage];
        var labels = new List<int>(listing.Labels.Length);
        int count = 0;
        for (int i = 0; i < listing.Files.Count; i++)
        {
            try
            {
                DecodeFile(listing.Files[i], height, width, options, pixels.AsSpan(count * perImage, perImage));
            }
            catch (InvalidDataException e) when (options.SkipBadImages)
            {
                listing.Skipped.Add(new SkippedImageFile(listing.Files[i], ImageSkipReason.BadImage, e.Message));
                continue;
            }
            if (listing.Labels.Length != 0) labels.Add(listing.Labels[i]);
            count++;
        }
        if (count == 0)
            throw new InvalidDataException($"{source}: none of the {listing.Files.Count} image file(s) could be decoded (e.g. {listing.Skipped[^1].Detail}).");
        if (count < listing.Files.Count)
            Array.Resize(ref pixels, count * perImage);
        var set = new ImageSet(pixels, labels.ToArray(), count, channels, height, width, source, listing.ClassNames, preprocessing);
        return new ImageLoadResult(set, listing.Skipped);
    }

    private static void DecodeFile(string path, int height, int width, ImageFolderOptions options, Span<float> target)
    {
        var decoded = ImageDecoder.Decode(ReadImageFile(path), path, options.MaxPixels);
        var bytes = new byte[target.Length];
        ImagePreprocessor.Apply(options.Preprocessing, decoded.Pixels, decoded.Width, decoded.Height, decoded.Bgra, decoded.Origin, height, width, bytes);
        for (int i = 0; i < bytes.Length; i++)
            target[i] = ImagePreprocessor.ToUnit(bytes[i]);
    }

    /// <summary>
    /// The bytes of a regular file. FIFOs, sockets and devices report a size of 0, and opening a FIFO would block until
    /// something writes to it, so a file of size 0 is refused without being opened.
    /// </summary>
    private static byte[] ReadImageFile(string path)
    {
        try
        {
            if (new FileInfo(path).Length == 0)
                throw new InvalidDataException($"{path}: 0 bytes — an empty file, or not a regular file (a FIFO, socket or device); not read.");
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot be read ({e.Message}).", e);
        }
    }
}
