using Microsoft.ML;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Measurement 2b: single-row PredictionEngine latency, ours vs stock ApplyOnnxModel, same ONNX file and
/// thread settings, cycling through distinct test images.
/// </summary>
internal static class PredictionLatency
{
    /// <summary>Checks both engines give raw ORT's μ, then times blocks of calls interleaved.</summary>
    public static object Measure(ReportOptions o, string modelName, string onnxPath)
    {
        var mlContext = new MLContext(seed: 1);
        var images = BenchData.EmbeddedTest.Take(Math.Min(o.LatencyCalls, 1000));
        var rows = BenchData.Rows(images);
        using var paths = new FeaturizationPaths(mlContext, onnxPath, mlContext.Data.LoadFromEnumerable(rows), o.BatchSize, o.OrtThreads);
        using var ours = mlContext.Model.CreatePredictionEngine<ImageRow, MuRow>(paths.Ours);
        using var stock = mlContext.Model.CreatePredictionEngine<ImageRow, MuRow>(paths.Stock);
        using var raw = new RawOrtFeaturizer(onnxPath, images, o.BatchSize, o.OrtThreads);

        int k = paths.Ours.Model.LatentDim;
        float[] rawMu = new float[images.Count * k];
        raw.Run(rawMu);
        double oursDiff = FeaturizationThroughput.MaxAbsDifference(rawMu, rows.SelectMany(r => ours.Predict(r).Mu).ToArray(), "ours (PredictionEngine)");
        double stockDiff = FeaturizationThroughput.MaxAbsDifference(rawMu, rows.SelectMany(r => stock.Predict(r).Mu).ToArray(), "ApplyOnnxModel (PredictionEngine)");

        Func<Timed> Block(PredictionEngine<ImageRow, MuRow> engine) => () => Timed.Of(() =>
        {
            for (int i = 0; i < o.LatencyCalls; i++)
                engine.Predict(rows[i % rows.Length]);
            return o.LatencyCalls;
        });
        var rates = Interleaved.Run([new("ours", Block(ours)), new("apply_onnx_model", Block(stock))], warmups: 1, o.Repetitions);
        double oursMicros = 1e6 / rates["ours"], stockMicros = 1e6 / rates["apply_onnx_model"];
        return new
        {
            model = modelName,
            calls_per_block = o.LatencyCalls,
            ort_intra_op_threads = o.OrtThreads,
            ours_microseconds_per_row = Math.Round(oursMicros, 1),
            apply_onnx_model_microseconds_per_row = Math.Round(stockMicros, 1),
            ratio_ours_vs_apply_onnx_model_latency = Math.Round(oursMicros / stockMicros, 3),
            paired_ratio_ours_vs_apply_onnx_model_latency = Math.Round(1 / rates.PairedRatio("ours", "apply_onnx_model"), 3),
            goal = "ratio_ours_vs_apply_onnx_model_latency <= 1 (not worse)",
            verification = new { rows_checked = rows.Length, max_abs_mu_difference_ours_vs_raw = oursDiff, max_abs_mu_difference_apply_onnx_model_vs_raw = stockDiff },
        };
    }
}
