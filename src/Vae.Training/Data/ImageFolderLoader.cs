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

    /// <summary>
    /// Lists the images under <paramref name="directory"/> like <see cref="Read"/> but decodes none: the set's
    /// <see cref="FileImageSource"/> decodes each file when its batch is read, so sets larger than memory can be trained
    /// on; its batches equal the loaded set's bit for bit. Bad files are found (and refused, naming them) when read.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, or images above the label depth.</exception>
    public static ImageSet Open(string directory, int height, int width, VaeImagePreprocessing preprocessing)
    {
        ArgumentNullException.ThrowIfNull(preprocessing);
        return Open(directory, height, width, new ImageFolderOptions { Preprocessing = preprocessing });
    }

    /// <summary>As <see cref="Open(string, int, int, VaeImagePreprocessing)"/>, with the folder options (label depth, pixel limit).</summary>
    public static ImageSet Open(string directory, int height, int width, ImageFolderOptions options)
    {
        options = Checked(options, height, width);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder not found: {directory}");
        var listing = ImageFolderListing.List(directory, options.LabelDepth);
        var files = new FileImageSource(listing.Files, height, width, options.Preprocessing, options.MaxPixels);
        return new ImageSet(files, listing.Labels, options.Preprocessing.Channels, height, width, $"image folder {directory} (decoded per batch)",
            listing.ClassNames, options.Preprocessing);
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
        // Bytes as the preprocessor makes them (C·H·W per image), read as byte/255 a batch at a time.
        var files = new FileImageSource(listing.Files, height, width, preprocessing, options.MaxPixels);
        int perImage = files.PixelsPerImage;
        var values = new byte[(long)listing.Files.Count * perImage];
        var labels = new List<int>(listing.Labels.Length);
        int count = 0;
        for (int i = 0; i < listing.Files.Count; i++)
        {
            try
            {
                files.DecodeBytes(i, values.AsSpan(checked(count * perImage), perImage));
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
            Array.Resize(ref values, count * perImage);
        var set = new ImageSet(new ByteImageStore(values, perImage), labels.ToArray(), preprocessing.Channels, height, width, source, listing.ClassNames, preprocessing);
        return new ImageLoadResult(set, listing.Skipped);
    }
}
