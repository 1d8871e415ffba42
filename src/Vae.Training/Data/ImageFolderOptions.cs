using Vae.MLNet;

namespace Vae.Training.Data;

/// <summary>How <see cref="ImageFolderLoader"/> finds, labels and decodes images.</summary>
public sealed class ImageFolderOptions
{
    /// <summary>The largest image decoded by default, in pixels (width·height): 64 Mi, so a forged header cannot ask for gigabytes.</summary>
    public const long DefaultMaxPixels = ImageDecoder.DefaultMaxPixels;

    /// <summary>How each file becomes the model's input (resize mode, colour, background, EXIF orientation).</summary>
    public VaeImagePreprocessing Preprocessing = new();

    /// <summary>
    /// Which folder level names the class: 1 (default) = the top-level subfolder ("cats"), 2 = the path of the
    /// second-level subfolder ("animals/cats"), 0 = no labels (every image under the folder). Not used with a manifest.
    /// </summary>
    public int LabelDepth = 1;

    /// <summary>
    /// Skip (and report) files that cannot be decoded — truncated, corrupt, larger than <see cref="MaxPixels"/>, or not
    /// regular files — instead of failing on the first one.
    /// </summary>
    public bool SkipBadImages;

    /// <summary>Images whose header claims more pixels (width·height) are refused before decoding.</summary>
    public long MaxPixels = DefaultMaxPixels;

    /// <summary>A copy (with a copy of <see cref="Preprocessing"/>), so later edits of the caller's object change nothing.</summary>
    public ImageFolderOptions Clone()
    {
        var copy = (ImageFolderOptions)MemberwiseClone();
        copy.Preprocessing = Preprocessing?.Clone()!;
        return copy;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the field when a value is out of range.</summary>
    public void Validate()
    {
        if (Preprocessing is null)
            throw new ArgumentException("Preprocessing is null; give a VaeImagePreprocessing.", nameof(Preprocessing));
        Preprocessing.Validate();
        if (LabelDepth < 0)
            throw new ArgumentException($"LabelDepth = {LabelDepth}; expected 0 (no labels) or a folder depth of 1 or more.", nameof(LabelDepth));
        if (MaxPixels <= 0)
            throw new ArgumentException($"MaxPixels = {MaxPixels}; expected a positive pixel count.", nameof(MaxPixels));
    }
}

/// <summary>Why a file under the image folder (or in a manifest) was not loaded.</summary>
public enum ImageSkipReason
{
    /// <summary>Its extension is not one of <see cref="ImageFolderLoader.Extensions"/> (notes, metadata, thumbnails databases).</summary>
    NotAnImage,
    /// <summary>A hidden file (name starting with '.', e.g. macOS "._x.jpg" resource forks).</summary>
    Hidden,
    /// <summary>A symbolic link into a folder already read (a link loop or a second path to the same folder).</summary>
    RepeatedFolder,
    /// <summary>Undecodable, truncated, too large or not a regular file; skipped because <see cref="ImageFolderOptions.SkipBadImages"/> is set.</summary>
    BadImage,
}

/// <summary>A file that was not loaded, and why (<see cref="Detail"/> is the error it would have raised, for bad images).</summary>
public sealed record SkippedImageFile(string Path, ImageSkipReason Reason, string Detail);

/// <summary>The images loaded and the files skipped on the way.</summary>
public sealed class ImageLoadResult
{
    /// <summary>Wraps the loaded set and the skipped files.</summary>
    public ImageLoadResult(ImageSet images, IReadOnlyList<SkippedImageFile> skipped)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(skipped);
        (Images, Skipped) = (images, skipped);
    }

    /// <summary>The loaded images.</summary>
    public ImageSet Images { get; }

    /// <summary>Every file not loaded, in listing order.</summary>
    public IReadOnlyList<SkippedImageFile> Skipped { get; }

    /// <summary>How many files were skipped for <paramref name="reason"/>.</summary>
    public int SkippedCount(ImageSkipReason reason) => Skipped.Count(s => s.Reason == reason);

    /// <summary>One line for logs, e.g. "120 images from … ; skipped 3 files: 2 not images, 1 bad image (a.png: …)".</summary>
    public string Summary()
    {
        string loaded = $"{Images.Count} images from {Images.Source}";
        if (Skipped.Count == 0)
            return $"{loaded}; no files skipped.";
        var parts = Enum.GetValues<ImageSkipReason>()
            .Select(r => (Reason: r, Count: SkippedCount(r)))
            .Where(p => p.Count > 0)
            .Select(p => $"{p.Count} {Describe(p.Reason, p.Count)}" + (p.Reason == ImageSkipReason.BadImage ? $" (first: {Skipped.First(s => s.Reason == p.Reason).Detail})" : ""));
        return $"{loaded}; skipped {Skipped.Count} file{(Skipped.Count == 1 ? "" : "s")}: {string.Join(", ", parts)}.";
    }

    private static string Describe(ImageSkipReason reason, int count) => (reason, count == 1) switch
    {
        (ImageSkipReason.NotAnImage, true) => "not an image",
        (ImageSkipReason.NotAnImage, false) => "not images",
        (ImageSkipReason.Hidden, _) => "hidden",
        (ImageSkipReason.RepeatedFolder, true) => "link to a folder already read",
        (ImageSkipReason.RepeatedFolder, false) => "links to folders already read",
        (ImageSkipReason.BadImage, true) => "bad image",
        _ => "bad images",
    };
}
