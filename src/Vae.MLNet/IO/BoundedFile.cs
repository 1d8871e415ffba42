namespace Vae.MLNet.IO;

/// <summary>
/// Reads a whole file that must be a regular file of bounded size, checked before reading: a FIFO given as a
/// path would block forever, a device such as /dev/zero would fill memory. On Linux both (and sockets, and
/// /proc files) report length 0, as does an empty file — none of them a model — so length 0 is refused unread; the
/// read itself stops one byte past the limit, so a file that grows while read is refused too.
/// </summary>
internal static class BoundedFile
{
    public static byte[] ReadAll(string path, long maxBytes, string what, string limitName)
    {
        var info = new FileInfo(path);
        if (info.Length == 0)
            throw new InvalidDataException(
                $"{what} '{path}' is empty (0 bytes) or not a regular file (a FIFO, a device or a socket reports 0 bytes); it was not read.");
        if (info.Length > maxBytes)
            throw new InvalidDataException(
                $"{what} '{path}' is {info.Length:N0} bytes, over the limit of {maxBytes:N0} bytes ({limitName}); raise the limit if the file is genuine.");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        var bytes = new byte[info.Length];
        int read = 0;
        while (read < bytes.Length)
        {
            int n = stream.Read(bytes, read, bytes.Length - read);
            if (n == 0)
                throw new InvalidDataException($"{what} '{path}' shrank while it was read ({read:N0} of {bytes.Length:N0} bytes).");
            read += n;
        }
        if (stream.ReadByte() >= 0)
            throw new InvalidDataException($"{what} '{path}' grew while it was read (over its {bytes.Length:N0} bytes); it was not loaded.");
        return bytes;
    }
}
