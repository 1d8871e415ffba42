using Microsoft.ML;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Measurement 2: μ of all 10,000 embedded Fashion-MNIST test images per second — our VaeFeaturize
/// transformer vs raw ONNX Runtime on preloaded batches vs stock ApplyOnnxModel, same ONNX file, same ORT
/// thread settings; both ML.NET sides are consumed by a cursor reading the μ column.
/// </summary>
internal static class FeaturizationThroughput
{
    /// <summary>Checks all three give the same μ, then times them interleaved.</summary>
    public static object Measure(ReportOptions o, string modelName, string onnxPath)
    {
        var mlContext = new MLContext(seed: 1);
        var images = BenchData.EmbeddedTest;
        var data = BenchData.View(mlContext, images);
        using var paths = new FeaturizationPaths(mlContext, onnxPath, data, o.BatchSize, o.OrtThreads);
        using var raw = new RawOrtFeaturizer(onnxPath, images, o.BatchSize, o.OrtThreads);

        float[] rawMu = new float[images.Count * paths.Ours.Model.LatentDim];
        raw.Run(rawMu);
        double oursDiff = MaxAbsDifference(rawMu, BenchData.ReadVectorColumn(paths.Ours.Transform(data), MuRow.Column), "ours");
        double stockDiff = MaxAbsDifference(rawMu, BenchData.ReadVectorColumn(paths.Stock.Transform(data), MuRow.Column), "ApplyOnnxModel");

        var rates = Interleaved.Run(
        [
            new("ours", () => Timed.Of(paths.RunOurs)),
            new("raw_ort", () => Timed.Of(() => raw.Run())),
            new("apply_onnx_model", () => Timed.Of(paths.RunStock)),
            // Not a contender: what reading the input IDataView alone costs, i.e. the floor of any ML.NET path.
            new("input_cursor_only", () => Timed.Of(() => BenchData.Consume(data, ImageRow.Column))),
        ], warmups: 1, o.Repetitions);

        return new
        {
            model = modelName,
            images = images.Count,
            batch_size = o.BatchSize,
            ort_intra_op_threads = o.OrtThreads,
            ours_images_per_second = Math.Round(rates["ours"]),
            raw_ort_images_per_second = Math.Round(rates["raw_ort"]),
            apply_onnx_model_images_per_second = Math.Round(rates["apply_onnx_model"]),
            input_cursor_only_rows_per_second = Math.Round(rates["input_cursor_only"]),
            ratio_ours_vs_raw_ort = Math.Round(rates.Ratio("ours", "raw_ort"), 3),
            ratio_ours_vs_apply_onnx_model = Math.Round(rates.Ratio("ours", "apply_onnx_model"), 2),
            paired_ratio_ours_vs_raw_ort = Math.Round(rates.PairedRatio("ours", "raw_ort"), 3),
            paired_ratio_ours_vs_apply_onnx_model = Math.Round(rates.PairedRatio("ours", "apply_onnx_model"), 2),
            goal = "ratio_ours_vs_raw_ort >= 0.90; ratio_ours_vs_apply_onnx_model >= 3 (MLP)",
            verification = new { max_abs_mu_difference_ours_vs_raw = oursDiff, max_abs_mu_difference_apply_onnx_model_vs_raw = stockDiff },
        };
    }

    /// <summary>Largest |a − b|; throws when lengths differ or the difference shows different work.</summary>
    public static double MaxAbsDifference(float[] expected, float[] actual, string side)
    {
        if (expected.Length != actual.Length)
            throw new InvalidOperationException($"{side} returned {actual.Length} μ values, raw ORT {expected.Length}.");
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        if (!(max <= 1e-4))
            throw new InvalidOperationException($"{side} μ differs from raw ORT by up to {max:G3} (expected ≤ 1e-4): not the same work.");
        return max;
    }
}
