using Vae.MLNet.IO;

namespace Vae.MLNet.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary_sibling()
    {
        string path = Path.Combine(_folder, "model.onnx");
        AtomicFile.WriteAllText(path, "old");
        AtomicFile.WriteAllText(path, "new");
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["model.onnx"], Directory.EnumerateFiles(_folder).Select(Path.GetFileName));
    }

    [Fact]
    public void A_writer_that_throws_leaves_the_old_file_intact()
    {
        string path = Path.Combine(_folder, "metrics.json");
        AtomicFile.WriteAllText(path, "complete");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            throw new InvalidOperationException("writer failed");
        }));
        Assert.Equal("complete", File.ReadAllText(path));
        Assert.Single(Directory.EnumerateFiles(_folder));
    }

    [Fact]
    public void Directory_fsync_succeeds_on_posix_and_fails_for_a_missing_folder()
    {
        if (OperatingSystem.IsWindows())
            return; // no directory fsync there (NTFS journals renames)
        Assert.True(DirectorySync.Flush(_folder));
        Assert.False(DirectorySync.Flush(Path.Combine(_folder, "missing")));
    }
}
