namespace Vae.Training.Data;

/// <summary>Reads an image file's bytes, refusing what is not a regular file before opening it.</summary>
internal static class ImageFile
{
    /// <summary>
    /// The bytes of a regular file. FIFOs, sockets and devices report a size of 0, and opening a FIFO would block until
    /// something writes to it, so a file of size 0 is refused without being opened.
    /// </summary>
    /// <exception cref="InvalidDataException">Size 0, or unreadable (named).</exception>
    public static byte[] ReadAllBytes(string path)
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
