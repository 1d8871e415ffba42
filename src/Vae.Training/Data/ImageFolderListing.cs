namespace Vae.Training.Data;

/// <summary>The image files to load, their labels and class names, and the files passed over.</summary>
internal sealed record ImageListing(IReadOnlyList<string> Files, int[] Labels, string[] ClassNames, List<SkippedImageFile> Skipped);

/// <summary>
/// Lists an image folder: every file with an image extension below it, in ordinal path order; hidden folders are not
/// entered and hidden files not loaded; a symbolic link into a folder already read (by its real path) is not
/// followed again, so a link loop cannot load an image many times. The label is the folder at
/// <see cref="ImageFolderOptions.LabelDepth"/> (its path below the root, '/'-separated).
/// </summary>
internal static class ImageFolderListing
{
    private sealed record Found(string Path, string[] Folders);

    public static ImageListing List(string directory, int labelDepth)
    {
        var images = new List<Found>();
        var skipped = new List<SkippedImageFile>();
        var classFolders = new List<(string Path, string Name)>();
        var visited = new HashSet<string>(StringComparer.Ordinal) { RealPath(directory) };
        Walk(directory, RealPath(directory), [], labelDepth, images, skipped, classFolders, visited);

        string extensions = string.Join(" / ", ImageFolderLoader.Extensions.Select(e => "*" + e));
        if (images.Count == 0 && classFolders.Count == 0)
            throw new InvalidDataException($"{directory}: no images found (expected {extensions} files, or one subfolder per class).");

        // Depth 0, or depth 1 with every image directly inside: an unlabeled set (a folder of images, no classes).
        if (labelDepth == 0 || (labelDepth == 1 && classFolders.Count == 0))
            return new ImageListing(images.Select(f => f.Path).ToList(), [], [], skipped);

        var above = images.FirstOrDefault(f => f.Folders.Length < labelDepth);
        if (above != null)
            throw new InvalidDataException(labelDepth == 1
                ? $"{directory}: holds class subfolders and also {images.Count(f => f.Folders.Length == 0)} image(s) directly inside (e.g. {above.Path}); put every image in a class folder."
                : $"{directory}: the label is the folder {labelDepth} levels down, but {above.Path} lies {above.Folders.Length} level(s) down; put every image in a folder at depth {labelDepth} or below, or choose another label depth.");

        var classNames = classFolders.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        var index = classNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var byLabel = images.GroupBy(f => ClassOf(f, labelDepth)).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var (path, name) in classFolders)
            if (!byLabel.ContainsKey(name))
                throw new InvalidDataException($"{path}: class folder holds no images (expected {extensions}).");
        var ordered = images.OrderBy(f => index[ClassOf(f, labelDepth)]).ToList(); // stable: ordinal path order within a class
        return new ImageListing(ordered.Select(f => f.Path).ToList(), ordered.Select(f => index[ClassOf(f, labelDepth)]).ToArray(), classNames, skipped);
    }

    private static string ClassOf(Found file, int labelDepth) => string.Join('/', file.Folders[..labelDepth]);

    private static void Walk(string directory, string realPath, string[] folders, int labelDepth, List<Found> images,
        List<SkippedImageFile> skipped, List<(string, string)> classFolders, HashSet<string> visited)
    {
        foreach (string entry in Directory.EnumerateFileSystemEntries(directory).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(entry);
            if (Directory.Exists(entry))
            {
                if (name.StartsWith('.'))
                    continue; // .git, .ipynb_checkpoints: not classes, not data
                var info = new DirectoryInfo(entry);
                string real;
                try
                {
                    real = info.LinkTarget == null ? Path.Combine(realPath, name) : RealPath(entry);
                }
                catch (IOException e)
                {
                    skipped.Add(new SkippedImageFile(entry, ImageSkipReason.RepeatedFolder, $"{entry}: the link cannot be resolved ({e.Message})."));
                    continue;
                }
                if (!visited.Add(real))
                {
                    skipped.Add(new SkippedImageFile(entry, ImageSkipReason.RepeatedFolder, $"{entry}: links to {real}, a folder already read."));
                    continue;
                }
                string[] inner = [.. folders, name];
                if (inner.Length == labelDepth)
                    classFolders.Add((entry, string.Join('/', inner)));
                Walk(entry, real, inner, labelDepth, images, skipped, classFolders, visited);
            }
            else if (name.StartsWith('.'))
                skipped.Add(new SkippedImageFile(entry, ImageSkipReason.Hidden, $"{entry}: a hidden file."));
            else if (!ImageFolderLoader.Extensions.Contains(Path.GetExtension(entry), StringComparer.OrdinalIgnoreCase))
                skipped.Add(new SkippedImageFile(entry, ImageSkipReason.NotAnImage, $"{entry}: not an image extension."));
            else
                images.Add(new Found(entry, folders));
        }
    }

    /// <summary>The path with every symbolic link resolved (a managed realpath), so two routes to one folder compare equal.</summary>
    internal static string RealPath(string path, int hops = 0)
    {
        if (hops > 40)
            throw new IOException($"{path}: too many levels of symbolic links.");
        string full = Path.GetFullPath(path);
        string root = Path.GetPathRoot(full)!;
        string current = root;
        foreach (string part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            string next = Path.Combine(current, part);
            var target = new DirectoryInfo(next).LinkTarget;
            if (target == null)
            {
                current = next;
                continue;
            }
            current = RealPath(Path.IsPathRooted(target) ? target : Path.Combine(current, target), hops + 1);
        }
        return current;
    }
}
