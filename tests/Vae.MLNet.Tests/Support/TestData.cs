using System.IO.Compression;

namespace Vae.MLNet.Tests.Support;

/// <summary>The repository's embedded Fashion-MNIST t10k and the ONNX fixtures (test-only IDX reader).</summary>
public static class TestData
{
    private static readonly Lazy<(float[][] Images, uint[] Labels)> T10k = new(ReadT10k);

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", name);

    public static string ContractVae => Fixture("vae_mlp_k8.onnx");
    public static string ForeignNamed => Fixture("foreign_named.onnx");
    public static string ForeignMoments => Fixture("foreign_moments.onnx");

    /// <summary>Pixels in [0, 1] (784 per image) of t10k rows [start, start + count).</summary>
    public static float[][] Images(int start, int count) => T10k.Value.Images[start..(start + count)];

    public static uint[] Labels(int start, int count) => T10k.Value.Labels[start..(start + count)];

    /// <summary>Σ H(xᵢ), the binary entropy of every pixel (0·log 0 = 0), in double: the Bernoulli error's floor, by hand.</summary>
    public static double PixelEntropy(float[] pixels) =>
        -pixels.Sum(v => v is > 0 and < 1 ? v * Math.Log(v) + (1.0 - v) * Math.Log(1.0 - v) : 0.0);

    /// <summary>The raw bytes 0..255 of one image, for building MLImages.</summary>
    public static byte[] ImageBytes(int index) => T10k.Value.Images[index].Select(v => (byte)MathF.Round(v * 255f)).ToArray();

    private static (float[][], uint[]) ReadT10k()
    {
        string dir = Path.Combine(RepoRoot, "data", "fashion-mnist");
        byte[] images = Gunzip(Path.Combine(dir, "t10k-images-idx3-ubyte.gz"));
        byte[] labels = Gunzip(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"));
        int n = BigEndian(images, 4), rows = BigEndian(images, 8), cols = BigEndian(images, 12);
        Assert.Equal(2051, BigEndian(images, 0));
        Assert.Equal(2049, BigEndian(labels, 0));
        Assert.Equal(n, BigEndian(labels, 4));
        int p = rows * cols;
        var result = new float[n][];
        for (int i = 0; i < n; i++)
        {
            result[i] = new float[p];
            for (int j = 0; j < p; j++)
                result[i][j] = images[16 + i * p + j] / 255f;
        }
        return (result, labels.Skip(8).Select(b => (uint)b).ToArray());
    }

    private static int BigEndian(byte[] b, int o) => (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3];

    private static byte[] Gunzip(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var ms = new MemoryStream();
        gz.CopyTo(ms);
        return ms.ToArray();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeMLNet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Repository root (VaeMLNet.sln) not found above " + AppContext.BaseDirectory);
    }
}
