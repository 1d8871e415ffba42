using TorchSharp;
using Vae.Build;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Build;

public class TorchSharpLoadTests
{
    [Fact]
    public void TorchSharpLoadsAndComputes()
    {
        using var a = tensor(new float[] { 1, 2, 3 });
        using var b = (a * a).sum();
        Assert.Equal(14f, b.item<float>());
    }

    [Fact]
    public void OutputCopyOfLibTorchSharpIsWeakWhereSystemLibStdCxxIsOld()
    {
        string lib = Directory.EnumerateFiles(AppContext.BaseDirectory, "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        const string systemLib = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (!File.Exists(systemLib) || GlibcxxWeakVersionPatch.LibraryProvides(systemLib, GlibcxxWeakVersionPatch.RequiredVersion))
            return; // nothing to patch on this system; loading is covered by the test above

        byte[] elf = File.ReadAllBytes(lib);
        var flags = GlibcxxWeakVersionPatch.FindVernauxFlags(elf, GlibcxxWeakVersionPatch.RequiredVersion, lib);
        Assert.NotEmpty(flags);
        Assert.All(flags, offset => Assert.Equal(2, BitConverter.ToUInt16(elf, offset) & 2));
    }

    [Fact]
    public void PatchIsIdempotentAndTouchesOnlyTheFlag()
    {
        // Start from the pristine NuGet copy (read only), patch a temp copy twice.
        string pristine = Directory.EnumerateFiles(
            Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp"),
            "libLibTorchSharp.so", SearchOption.AllDirectories).First();
        string copy = Path.Combine(Path.GetTempPath(), $"libLibTorchSharp-{Guid.NewGuid():N}.so");
        File.Copy(pristine, copy);
        try
        {
            byte[] before = File.ReadAllBytes(copy);
            var offsets = GlibcxxWeakVersionPatch.FindVernauxFlags(before, GlibcxxWeakVersionPatch.RequiredVersion, copy);
            Assert.Single(offsets);
            Assert.Equal(0, BitConverter.ToUInt16(before, offsets[0]) & 2);

            Assert.Equal(WeakVersionPatchResult.Patched, GlibcxxWeakVersionPatch.Patch(copy));
            Assert.Equal(WeakVersionPatchResult.AlreadyWeak, GlibcxxWeakVersionPatch.Patch(copy));

            byte[] after = File.ReadAllBytes(copy);
            var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToArray();
            Assert.Equal(new[] { offsets[0] }, differing);
            Assert.Equal(WeakVersionPatchResult.VersionNotRequired, GlibcxxWeakVersionPatch.Patch(copy, "GLIBCXX_9.9.99"));
        }
        finally { File.Delete(copy); }
    }

    [Fact]
    public void NotAnElfFileIsRejected()
    {
        string path = Path.Combine(Path.GetTempPath(), $"not-elf-{Guid.NewGuid():N}.so");
        File.WriteAllBytes(path, new byte[128]);
        try
        {
            var e = Assert.Throws<InvalidDataException>(() => GlibcxxWeakVersionPatch.Patch(path));
            Assert.Contains(path, e.Message);
            Assert.Contains("ELF", e.Message);
        }
        finally { File.Delete(path); }
    }
}
