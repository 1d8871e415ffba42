using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;

namespace Vae.Benchmarks.Micro;

/// <summary>
/// μ of the 10,000 embedded Fashion-MNIST test images: raw ONNX Runtime on preloaded batches of 256
/// (baseline), our VaeFeaturize transformer and stock ApplyOnnxModel (both consumed by a cursor reading μ),
/// one ORT intra-op thread each; randomly initialised MLP and conv VAEs exported by VaeOnnxExporter.
/// </summary>
public class FeaturizationBenchmarks
{
    private const int OrtThreads = 1, BatchSize = 256;
    private string _directory = null!;
    private FeaturizationPaths _paths = null!;
    private RawOrtFeaturizer _raw = null!;

    [Params("mlp", "conv")]
    public string Model { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchModels.TempDirectory();
        string onnx = BenchModels.ExportRandom(Model, _directory);
        var ml = new MLContext(seed: 1);
        _paths = new FeaturizationPaths(ml, onnx, BenchData.View(ml, BenchData.EmbeddedTest), BatchSize, OrtThreads);
        _raw = new RawOrtFeaturizer(onnx, BenchData.EmbeddedTest, BatchSize, OrtThreads);
    }

    [Benchmark(Baseline = true)]
    public long RawOrt() => _raw.Run();

    [Benchmark]
    public long VaeFeaturize() => _paths.RunOurs();

    [Benchmark]
    public long ApplyOnnxModel() => _paths.RunStock();

    [GlobalCleanup]
    public void Cleanup()
    {
        _paths.Dispose();
        _raw.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
