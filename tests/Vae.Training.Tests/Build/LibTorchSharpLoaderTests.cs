using System.Security.Cryptography;
using TorchSharp;
using Vae.Build;
using Vae.Training.Native;

namespace Vae.Training.Tests.Build;

/// <summary>
/// The run-time fallback that loads libLibTorchSharp.so where no build patched it (a notebook kernel). This process
/// loads the build's copy, so the handler itself is exercised end to end by the notebook tests; here its parts.
/// </summary>
public sealed class LibTorchSharpLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("libtorchsharp-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string PristineBridge() => Directory.EnumerateFiles(
        Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "torchsharp"),
        "libLibTorchSharp.so", SearchOption.AllDirectories).First(path => path.Contains("/runtimes/linux-x64/native/", StringComparison.Ordinal));

    [Fact]
    public void PatchedCopyIsMadeOnceUnderTheOriginalsHashAndLeavesTheOriginalAlone()
    {
        string original = Path.Combine(_dir, "original", "libLibTorchSharp.so");
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        File.Copy(PristineBridge(), original);
        byte[] before = File.ReadAllBytes(original);
        string cache = Path.Combine(_dir, "cache");

        string copy = LibTorchSharpLoader.PatchedCopy(original, cache);
        Assert.Equal(Path.Combine(cache, "libtorchsharp", Convert.ToHexStringLower(SHA256.HashData(before)), "libLibTorchSharp.so"), copy);
        Assert.Equal(before, File.ReadAllBytes(original));
        byte[] patched = File.ReadAllBytes(copy);
        var flags = GlibcxxWeakVersionPatch.FindVernauxFlags(patched, GlibcxxWeakVersionPatch.RequiredVersion, copy);
        Assert.NotEmpty(flags);
        Assert.All(flags, offset => Assert.Equal(2, BitConverter.ToUInt16(patched, offset) & 2));
        Assert.Equal(new[] { "libLibTorchSharp.so" }, Directory.GetFiles(Path.GetDirectoryName(copy)!).Select(Path.GetFileName)); // no temp left

        var written = File.GetLastWriteTimeUtc(copy);
        Assert.Equal(copy, LibTorchSharpLoader.PatchedCopy(original, cache));
        Assert.Equal(written, File.GetLastWriteTimeUtc(copy)); // the second call reuses it

        File.AppendAllText(original, "\0"); // another build of the library gets its own copy
        Assert.NotEqual(copy, LibTorchSharpLoader.PatchedCopy(original, cache));
    }

    [Fact]
    public void InTheNuGetLayoutTheBridgeAndTheLibTorchOfTheExpectedVersionAreFound()
    {
        // packages/torchsharp/<v>/lib/net8.0/TorchSharp.dll beside packages/libtorch-cpu-linux-x64/<v>/runtimes/linux-x64/native/
        string packages = Path.Combine(_dir, "packages");
        string assemblyDirectory = Directory.CreateDirectory(Path.Combine(packages, "torchsharp", "0.107.0", "lib", "net8.0")).FullName;
        string bridge = Touch(Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native"), "libLibTorchSharp.so");
        string Native(string version) => Path.Combine(packages, "libtorch-cpu-linux-x64", version, "runtimes", "linux-x64", "native");
        TouchLibTorch(Native("2.9.0"));

        Assert.Equal(bridge, LibTorchSharpLoader.FindBridge(assemblyDirectory));
        Assert.Equal(Native("2.9.0"), LibTorchSharpLoader.FindLibTorch(assemblyDirectory, bridge, wantedVersion: null)); // the only one
        TouchLibTorch(Native("2.10.0"));
        Assert.Equal(Native("2.10.0"), LibTorchSharpLoader.FindLibTorch(assemblyDirectory, bridge, "2.10.0"));
        Assert.Null(LibTorchSharpLoader.FindLibTorch(assemblyDirectory, bridge, wantedVersion: null)); // two, and no way to choose
    }

    [Fact]
    public void InAnApplicationsOutputLibTorchIsBesideTheBridge()
    {
        string native = Path.Combine(_dir, "bin", "runtimes", "linux-x64", "native");
        string bridge = Touch(native, "libLibTorchSharp.so");
        TouchLibTorch(native);
        string bin = Path.Combine(_dir, "bin");
        Assert.Equal(bridge, LibTorchSharpLoader.FindBridge(bin));
        Assert.Equal(native, LibTorchSharpLoader.FindLibTorch(bin, bridge, "2.10.0"));
    }

    [Fact]
    public void TheExpectedLibTorchVersionIsReadFromTorchSharpWithoutInitialisingIt()
    {
        // Guards the private constant the loader reads: a TorchSharp upgrade that renames it fails here first.
        Assert.Equal("2.10.0", LibTorchSharpLoader.LibTorchVersion(typeof(torch).Assembly));
    }

    [Fact]
    public void TheProcesssLibStdCxxIsAsked()
    {
        Assert.True(LibTorchSharpLoader.SystemLibStdCxxProvides("GLIBCXX_3.4"));
        Assert.False(LibTorchSharpLoader.SystemLibStdCxxProvides("GLIBCXX_9.9.99"));
    }

    private static string Touch(string directory, string name)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name);
        File.WriteAllBytes(path, []);
        return path;
    }

    private static void TouchLibTorch(string directory)
    {
        foreach (string library in new[] { "libc10.so", "libtorch_cpu.so", "libtorch.so" }) Touch(directory, library);
    }
}
