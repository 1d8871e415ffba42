namespace Vae.Training.Data;

/// <summary>Checks an image file before SkiaSharp opens it.</summary>
internal static class ImageFile
{
    /// <summary>
    /// Refuses, without opening it, a file that does not exist or has size 0. FIFOs, sockets and devices report a
    /// size of 0, and opening a FIFO would block until something writes to it.
    /// </summary>
    /// <exception cref="InvalidDataException">Missing, size 0, or its size unreadable (named).</exception>
    public static void CheckReadable(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new InvalidDataException($"{path}: the file does not exist.");
            if (info.Length == 0)
                throw new InvalidDataException($"{path}: 0 bytes — an empty file, or not a regular file (a FIFO, socket or device); not read.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot be read ({e.Message}).", e);
        }
    }
}
