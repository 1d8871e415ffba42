using BenchmarkDotNet.Attributes;
using Microsoft.ML;
using Vae.Benchmarks.Shared;

namespace Vae.Benchmarks.Micro;

/// <summary>Single-row PredictionEngine latency: stock ApplyOnnxModel (baseline) vs our VaeFeaturize, one ORT thread each.</summary>
public class PredictionEngineBenchmarks
{
    private string _directory = null!;
    private FeaturizationPaths _paths = null!;
    private PredictionEngine<ImageRow, MuRow> _ours = null!, _stock = null!;
    private ImageRow[] _rows = null!;
    private int _next;

    [Params("mlp", "conv")]
    public string Model { get; set; } = "mlp";

    [GlobalSetup]
    public void Setup()
    {
        _directory = BenchModels.TempDirectory();
        string onnx = BenchModels.ExportRandom(Model, _directory);
        var ml = new MLContext(seed: 1);
        _rows = BenchData.Rows(BenchData.EmbeddedTest.Take(1000));
        _paths = new FeaturizationPaths(ml, onnx, ml.Data.LoadFromEnumerable(_rows), batchSize: 256, intraOpNumThreads: 1);
        _ours = ml.Model.CreatePredictionEngine<ImageRow, MuRow>(_paths.Ours);
        _stock = ml.Model.CreatePredictionEngine<ImageRow, MuRow>(_paths.Stock);
    }

    [Benchmark(Baseline = true)]
    public MuRow ApplyOnnxModel() => _stock.Predict(_rows[_next++ % _rows.Length]);

    [Benchmark]
    public MuRow VaeFeaturize() => _ours.Predict(_rows[_next++ % _rows.Length]);

    [GlobalCleanup]
    public void Cleanup()
    {
        _ours.Dispose();
        _stock.Dispose();
        _paths.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
