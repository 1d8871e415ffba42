using System.IO.Compression;
using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

public sealed class IdxReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("idx-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void EmbeddedTestSplitHasTenThousandImagesOfTenClassesInUnitRange()
    {
        string dir = FashionMnist.EmbeddedDirectory();
        var set = FashionMnist.Load(dir, "t10k");

        Assert.Equal(10_000, set.Count);
        Assert.Equal((1, 28, 28), (set.Channels, set.Height, set.Width));
        Assert.IsType<ByteImageStore>(set.Store);
        Assert.Equal(10_000L * 784, set.StoredBytes); // one byte per value
        float[] pixels = set.CopyPixels(0, set.Count);
        Assert.Equal(10_000, set.Labels.Length);
        // Fashion-MNIST's test split holds exactly 1,000 images of each class.
        Assert.All(Enumerable.Range(0, 10), c => Assert.Equal(1000, set.Labels.Count(l => l == c)));
        Assert.Equal(0f, pixels.Min());
        Assert.Equal(1f, pixels.Max());

        // Independent decode of the first image and label: gunzip, skip the 16- and 8-byte headers.
        byte[] raw = Gunzip(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        byte[] rawLabels = Gunzip(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        for (int i = 0; i < 784 * 3; i++)
            Assert.Equal(raw[16 + i] / 255f, pixels[i]);
        Assert.Equal(rawLabels[8], set.Labels[0]);
        Assert.Equal(rawLabels[8 + 9999], set.Labels[9999]);
    }

    [Fact]
    public void BadMagicIsRejectedNamingTheFile()
    {
        string path = Write("bad-magic", new byte[] { 0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 7 });
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("magic", e.Message);
    }

    [Fact]
    public void TruncatedDataIsRejectedNamingTheFile()
    {
        // Header claims 10 images of 28x28, but only 100 data bytes follow.
        string path = Write("truncated", Header(10, 28, 28).Concat(new byte[100]).ToArray());
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void ForgedHugeHeaderIsRefusedBeforeAllocating()
    {
        string path = Write("huge", Header(65535, 65535, 65535));
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("refusing", e.Message);
    }

    [Fact]
    public void TruncatedGzipIsRejectedNamingTheFile()
    {
        byte[] gz = File.ReadAllBytes(Path.Combine(FashionMnist.EmbeddedDirectory(), "t10k-images-idx3-ubyte.gz"));
        string path = Write("truncated.gz", gz[..(gz.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void CorruptGzipIsRejectedNamingTheFile()
    {
        byte[] gz = File.ReadAllBytes(Path.Combine(FashionMnist.EmbeddedDirectory(), "t10k-labels-idx1-ubyte.gz"));
        for (int i = 20; i < 60; i++) gz[i] = 0xFF; // inside the deflate stream
        string path = Write("corrupt.gz", gz);
        var e = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));
        Assert.Contains(path, e.Message);
    }

    private string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Header(params uint[] dims)
    {
        var header = new List<byte> { 0, 0, 0x08, (byte)dims.Length };
        foreach (uint d in dims)
            header.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        return header.ToArray();
    }

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var memory = new MemoryStream();
        gz.CopyTo(memory);
        return memory.ToArray();
    }
}
