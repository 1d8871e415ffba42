using System.Text;

namespace Vae.MLNet.IO;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so the target is either the old file or the
/// complete new one — never a partial write, even if the process dies or the writer throws. The one
/// implementation for every file this project writes (ONNX models, checkpoints, metrics, figures,
/// reports); Vae.Training sees it through InternalsVisibleTo.
/// </summary>
internal static class AtomicFile
{
    /// <summary>Writes what <paramref name="writeContent"/> puts into the stream; the folder must exist.</summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"{path}: has no parent directory.", nameof(path));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Cannot write {path}: folder {directory} does not exist.");

        // Same folder ⇒ same file system ⇒ File.Move is a rename, atomic on POSIX and NTFS.
        string temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                writeContent(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
            DirectorySync.Flush(directory); // make the rename itself durable, not only the bytes
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>
    /// Deletes the temporary siblings of <paramref name="path"/> that a writer killed mid-write left behind.
    /// Call it only where one process owns the file (e.g. a training run and its checkpoint).
    /// </summary>
    public static int DeleteLeftovers(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string? directory = Path.GetDirectoryName(fullPath);
        if (directory == null || !Directory.Exists(directory)) return 0;
        int deleted = 0;
        foreach (string temp in Directory.EnumerateFiles(directory, $".{Path.GetFileName(fullPath)}.*.tmp"))
        {
            File.Delete(temp);
            deleted++;
        }
        return deleted;
    }

    /// <summary>Writes <paramref name="bytes"/>; the folder must exist.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, stream => stream.Write(bytes));

    /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte-order mark; the folder must exist.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, new UTF8Encoding(false).GetBytes(text));
}
