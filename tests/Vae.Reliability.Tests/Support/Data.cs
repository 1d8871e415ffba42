using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Training.Data;

namespace Vae.Reliability.Tests.Support;

/// <summary>A 28x28 pixel vector row, the input of the contract fixture.</summary>
public sealed class PixelRow
{
    [VectorType(784)]
    public float[] Image { get; set; } = [];
}

/// <summary>The repository root, the ONNX fixtures and real Fashion-MNIST pixels.</summary>
public static class Data
{
    private static readonly Lazy<ImageSet> T10k = new(() => FashionMnist.Load(FashionMnist.EmbeddedDirectory(RepoRoot), "t10k"));

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "fixtures", name);

    /// <summary>A real tiny MLP VAE (784 → k = 8, Bernoulli) following the contract.</summary>
    public static string ContractVae => Fixture("vae_mlp_k8.onnx");

    /// <summary>The same encoder without metadata or decoder (input 'pixels', outputs 'z_mean', 'z_log_var').</summary>
    public static string ForeignNamed => Fixture("foreign_named.onnx");

    public static ImageSet Fashion => T10k.Value;

    /// <summary>Pixels of t10k image <paramref name="index"/> (784 values in [0, 1]).</summary>
    public static float[] Image(int index) => Fashion.Image(index);

    public static IDataView Pixels(MLContext ml, int start, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(start, count).Select(i => new PixelRow { Image = Image(i) }).ToList());

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaeMLNet.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Repository root (VaeMLNet.sln) not found above " + AppContext.BaseDirectory);
    }
}
