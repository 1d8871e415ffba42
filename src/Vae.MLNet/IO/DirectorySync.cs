using System.Runtime.InteropServices;

namespace Vae.MLNet.IO;

/// <summary>
/// fsync(2) of a folder, so a rename inside it survives a power loss: on POSIX file systems the new
/// directory entry is only durable once the directory itself is flushed (flushing the file is not
/// enough). Windows has no such step (NTFS journals the rename), so there it does nothing.
/// </summary>
internal static class DirectorySync
{
    private const int ReadOnly = 0; // O_RDONLY; a directory opened read-only can be fsync'ed on Linux and macOS

    /// <summary>Flushes <paramref name="directory"/>; true when fsync succeeded, false where it is unsupported or failed.</summary>
    /// <remarks>Best effort by design: some file systems (e.g. certain network mounts) reject fsync on folders, and the file itself is already flushed.</remarks>
    public static bool Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
            return false;
        int fd = Open(directory, ReadOnly);
        if (fd < 0)
            return false;
        try
        {
            return Fsync(fd) == 0;
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
