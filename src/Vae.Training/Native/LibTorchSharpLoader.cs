using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Security.Cryptography;
using TorchSharp;
using Vae.Build;

namespace Vae.Training.Native;

/// <summary>
/// Loads TorchSharp's native bridge, <c>libLibTorchSharp.so</c>, where the default probing cannot: in a .NET
/// Interactive kernel (<c>#r "nuget: Vae.Training"</c>) and in an application whose build did not patch it.
/// <para>
/// A build patches its own output copy for an old libstdc++ (Directory.Build.targets, build/GlibcxxWeakVersionPatch.cs),
/// but a notebook kernel has no build step: it loads TorchSharp.dll straight from the NuGet cache, the library sits in
/// another package folder than the libtorch it needs, and the runtime does not find it (TorchSharp's own fallback copies
/// everything into a folder inside the NuGet cache and still fails on GLIBCXX_3.4.32). So, on Linux, when the runtime's
/// probing fails it raises <see cref="AssemblyLoadContext.ResolvingUnmanagedDll"/> for <c>LibTorchSharp</c>, and this
/// handler answers: it loads libtorch's libraries from their package folder (so the bridge's DT_NEEDED entries resolve
/// to them), and then the bridge itself — as is where the system libstdc++ provides GLIBCXX_3.4.32, otherwise a copy
/// with that requirement marked weak, made once in a per-user cache (<c>$XDG_CACHE_HOME/vae-mlnet</c>, else
/// <c>~/.cache/vae-mlnet</c>) under the SHA-256 of the original. The NuGet cache is only read.
/// </para>
/// </summary>
internal static class LibTorchSharpLoader
{
    private const string BridgeName = "LibTorchSharp";
    private const string BridgeFile = "libLibTorchSharp.so";
    private const string NativeRid = "linux-x64";
    // libLibTorchSharp.so's DT_NEEDED entries that live beside libtorch (readelf -d), in load order.
    private static readonly string[] LibTorchLibraries = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static IntPtr _bridge;
    private static string? _failure;

    /// <summary>
    /// Registers the handler when Vae.Training is first used, which is before any of its code reaches TorchSharp
    /// (touching <c>torch</c> runs a static constructor that loads the bridge). Registering costs nothing: the
    /// handler only runs when the runtime's own probing has failed.
    /// </summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The handler must be in place before the library's first TorchSharp call, and every public entry point can be that call.")]
    internal static void Register()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        Assembly torchSharp = typeof(torch).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(torchSharp) ?? AssemblyLoadContext.Default;
        context.ResolvingUnmanagedDll += (assembly, name) =>
            assembly == torchSharp && name == BridgeName ? LoadBridge(torchSharp) : IntPtr.Zero;
    }

    /// <summary>Loads the bridge once; the same handle (or the same failure) answers every later request.</summary>
    private static IntPtr LoadBridge(Assembly torchSharp)
    {
        lock (Gate)
        {
            if (_bridge == IntPtr.Zero && _failure == null)
            {
                try
                {
                    _bridge = Load(torchSharp, CacheRoot());
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or DllNotFoundException or BadImageFormatException)
                {
                    _failure = e.Message;
                }
            }
            // TorchSharp's loader catches this and carries the message into its own error; a P/Invoke shows it as is.
            return _bridge != IntPtr.Zero ? _bridge : throw new DllNotFoundException($"Vae.Training could not load {BridgeFile}: {_failure}");
        }
    }

    private static IntPtr Load(Assembly torchSharp, string cacheRoot)
    {
        string assemblyDirectory = Path.GetDirectoryName(torchSharp.Location) is { Length: > 0 } directory ? directory : AppContext.BaseDirectory;
        string original = FindBridge(assemblyDirectory)
            ?? throw new DllNotFoundException($"{BridgeFile} not found beside {torchSharp.Location} nor in its NuGet package folder.");
        string libTorch = FindLibTorch(assemblyDirectory, original, LibTorchVersion(torchSharp))
            ?? throw new DllNotFoundException($"libtorch's libraries ({string.Join(", ", LibTorchLibraries)}) not found beside {original} nor in the libtorch-cpu-{NativeRid} package folder.");
        foreach (string library in LibTorchLibraries)
            NativeLibrary.Load(Path.Combine(libTorch, library));
        string bridge = SystemLibStdCxxProvides(GlibcxxWeakVersionPatch.RequiredVersion) ? original : PatchedCopy(original, cacheRoot);
        return NativeLibrary.Load(bridge);
    }

    /// <summary>
    /// The unpatched bridge: beside TorchSharp.dll (an application's output) or in TorchSharp's package folder
    /// (<c>torchsharp/&lt;version&gt;/lib/net8.0/TorchSharp.dll</c> → <c>torchsharp/&lt;version&gt;/runtimes/linux-x64/native</c>).
    /// </summary>
    internal static string? FindBridge(string assemblyDirectory)
    {
        string[] candidates =
        [
            Path.Combine(assemblyDirectory, BridgeFile),
            Path.Combine(assemblyDirectory, "runtimes", NativeRid, "native", BridgeFile),
            Path.GetFullPath(Path.Combine(assemblyDirectory, "..", "..", "runtimes", NativeRid, "native", BridgeFile)),
        ];
        return Array.Find(candidates, File.Exists);
    }

    /// <summary>
    /// The folder holding libtorch's libraries: the bridge's own (an application's output), else the libtorch-cpu-linux-x64
    /// package of version <paramref name="wantedVersion"/> (the one this TorchSharp was built against), found the way
    /// TorchSharp's own fallback finds it (Torch.cs, LoadNativeBackend: the packages root four levels above TorchSharp.dll).
    /// </summary>
    internal static string? FindLibTorch(string assemblyDirectory, string bridge, string? wantedVersion)
    {
        static bool HasLibTorch(string directory) => LibTorchLibraries.All(library => File.Exists(Path.Combine(directory, library)));

        string bridgeDirectory = Path.GetDirectoryName(bridge)!;
        if (HasLibTorch(bridgeDirectory)) return bridgeDirectory;
        string package = Path.GetFullPath(Path.Combine(assemblyDirectory, "..", "..", "..", "..", $"libtorch-cpu-{NativeRid}"));
        if (!Directory.Exists(package)) return null;
        string Native(string version) => Path.Combine(package, version, "runtimes", NativeRid, "native");
        if (wantedVersion != null && HasLibTorch(Native(wantedVersion))) return Native(wantedVersion);
        // Only one libtorch restored: that is the one (TorchSharp's field may be renamed in a later version).
        var restored = Directory.GetDirectories(package).Select(Path.GetFileName).Where(v => HasLibTorch(Native(v!))).ToList();
        return restored.Count == 1 ? Native(restored[0]!) : null;
    }

    /// <summary>
    /// The libtorch package version TorchSharp expects, from its private constant <c>torch.libtorchPackageVersion</c>
    /// ("2.10.0.0" → "2.10.0", NuGet's folder name). Read from metadata: touching <c>torch</c> itself would run its
    /// static constructor, which loads the bridge.
    /// </summary>
    internal static string? LibTorchVersion(Assembly torchSharp)
    {
        var field = torchSharp.GetType("TorchSharp.torch")?.GetField("libtorchPackageVersion", BindingFlags.NonPublic | BindingFlags.Static);
        if (field is not { IsLiteral: true } || field.GetRawConstantValue() is not string version) return null;
        return version.EndsWith(".0", StringComparison.Ordinal) && version.Count(c => c == '.') == 3 ? version[..^2] : version;
    }

    /// <summary>
    /// A copy of <paramref name="original"/> with its GLIBCXX_3.4.32 requirement marked weak, at
    /// <c>&lt;cacheRoot&gt;/libtorchsharp/&lt;SHA-256 of the original&gt;/libLibTorchSharp.so</c>. Made once: a temp file
    /// in that folder is patched and renamed into place, so concurrent processes and crashes never leave a partial copy.
    /// </summary>
    internal static string PatchedCopy(string original, string cacheRoot)
    {
        byte[] bytes = File.ReadAllBytes(original);
        string key = Convert.ToHexStringLower(SHA256.HashData(bytes));
        string directory = Path.Combine(cacheRoot, "libtorchsharp", key);
        string target = Path.Combine(directory, BridgeFile);
        if (File.Exists(target)) return target;

        Directory.CreateDirectory(directory);
        string temp = Path.Combine(directory, $".{BridgeFile}.{Guid.NewGuid():N}.tmp");
        try
        {
            File.WriteAllBytes(temp, bytes);
            GlibcxxWeakVersionPatch.Patch(temp);
            File.Move(temp, target, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return target;
    }

    /// <summary>The per-user cache: <c>$XDG_CACHE_HOME/vae-mlnet</c>, else <c>~/.cache/vae-mlnet</c>.</summary>
    internal static string CacheRoot()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "vae-mlnet");
    }

    /// <summary>
    /// Whether the libstdc++ this process uses defines <paramref name="version"/>: the one mapped into the process
    /// (/proc/self/maps), else the first in the usual places; true when none is found (nothing to patch against).
    /// </summary>
    internal static bool SystemLibStdCxxProvides(string version)
    {
        string? loaded = null;
        try
        {
            loaded = File.ReadLines("/proc/self/maps")
                .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
                .FirstOrDefault(path => path != null && Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        string? library = loaded ?? Array.Find(LibStdCxxCandidates, File.Exists);
        return library == null || GlibcxxWeakVersionPatch.LibraryProvides(library, version);
    }

    private static readonly string[] LibStdCxxCandidates =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    ];
}
