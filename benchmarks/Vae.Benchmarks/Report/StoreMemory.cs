using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vae.MLNet;
using Vae.Training.Data;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Peak working set of loading an image folder into memory, as bytes (<see cref="ImageFolderLoader.Load(string, int, int, VaeImagePreprocessing)"/>,
/// 1 byte a value) or as float32 (the former loader: the same decode, each image converted to floats into one float[]).
/// The peak is process-wide, so each store is measured in its own process:
/// <code>
/// dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --store-memory --make-fixture /tmp/clipart100k --count 100000
/// dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --store-memory --images /tmp/clipart100k --size 64 --store bytes
/// dotnet run -c Release --project benchmarks/Vae.Benchmarks -- --store-memory --images /tmp/clipart100k --size 64 --store floats
/// </code>
/// The fixture is <c>--count</c> symbolic links to Debian's openclipart-png files (22 category folders), round-robin,
/// so every image is a real PNG decoded and resized; only files of at most 512×512 pixels are used (the set has
/// posters of 10562×16000, which the decoder refuses and which would make the run about decoding, not storing). Not part of CI (minutes, and gigabytes of memory).
/// </summary>
internal static class StoreMemory
{
    private const string Clipart = "/usr/share/openclipart/png";

    public static int Run(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        if (Arg("--make-fixture") is { } fixture)
            return MakeFixture(fixture, int.Parse(Arg("--count") ?? "100000", CultureInfo.InvariantCulture));
        string images = Arg("--images") ?? throw new ArgumentException("--store-memory needs --images DIR (or --make-fixture DIR).");
        int size = int.Parse(Arg("--size") ?? "64", CultureInfo.InvariantCulture);
        string store = Arg("--store") ?? "bytes";
        var preprocessing = new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb };

        var clock = Stopwatch.StartNew();
        ImageSet set = store switch
        {
            "bytes" => ImageFolderLoader.Load(images, size, size, preprocessing),
            "floats" => AsFloats(ImageFolderLoader.Open(images, size, size, preprocessing)),
            _ => throw new ArgumentException($"--store must be bytes or floats, got '{store}'."),
        };
        double seconds = clock.Elapsed.TotalSeconds;
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            store,
            images = set.Count,
            shape = $"{set.Channels}x{set.Height}x{set.Width}",
            storedBytes = set.StoredBytes,
            peakWorkingSetBytes = process.PeakWorkingSet64,
            managedHeapBytes = GC.GetTotalMemory(forceFullCollection: false),
            loadSeconds = Math.Round(seconds, 1),
            cores = Environment.ProcessorCount,
        }, new JsonSerializerOptions { WriteIndented = true }));
        GC.KeepAlive(set);
        return 0;
    }

    // The former loader's layout: every image decoded to bytes, converted to float32 straight into one buffer.
    private static ImageSet AsFloats(ImageSet files)
    {
        int perImage = files.PixelsPerImage;
        var pixels = new float[(long)files.Count * perImage];
        for (int i = 0; i < files.Count; i++)
            files.CopyImage(i, pixels.AsSpan(checked(i * perImage), perImage));
        return new ImageSet(pixels, files.Labels, files.Count, files.Channels, files.Height, files.Width, files.Source + " (float32)", files.ClassNames, files.Preprocessing);
    }

    // Width and height from the PNG header (IHDR: bytes 16..23, big-endian).
    private static bool Small(string path)
    {
        Span<byte> header = stackalloc byte[24];
        using var file = File.OpenRead(path);
        if (file.Read(header) != 24) return false;
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[16..]);
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(header[20..]);
        return width is > 0 and <= 512 && height is > 0 and <= 512;
    }

    private static int MakeFixture(string directory, int count)
    {
        var categories = Directory.GetDirectories(Clipart).Order(StringComparer.Ordinal)
            .Select(d => (Name: Path.GetFileName(d), Files: Directory.GetFiles(d, "*.png", SearchOption.AllDirectories).Where(Small).Order(StringComparer.Ordinal).ToArray()))
            .Where(c => c.Files.Length > 0).ToArray();
        if (categories.Length == 0)
            throw new DirectoryNotFoundException($"{Clipart}: no PNG category folders (Debian package openclipart-png).");
        int[] next = new int[categories.Length];
        for (int i = 0; i < count; i++)
        {
            int c = i % categories.Length;
            var (name, files) = categories[c];
            string folder = Directory.CreateDirectory(Path.Combine(directory, name)).FullName;
            string link = Path.Combine(folder, $"{i:D6}.png");
            if (!File.Exists(link)) File.CreateSymbolicLink(link, files[next[c]++ % files.Length]);
        }
        Console.WriteLine($"{count} links to {categories.Sum(c => c.Files.Length)} openclipart PNGs in {categories.Length} folders under {directory}.");
        return 0;
    }
}
