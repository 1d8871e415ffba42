using Microsoft.ML;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;
using Vae.MLNet;
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Measurement "featurize from files" (issue 22, item 7): μ of N PNG files per second, decode included —
/// (a) ours, <c>LoadImages → VaeFeaturize</c>; (b) a hand-written parallel SkiaSharp decode + resize
/// pipeline into batched ONNX Runtime calls; (c) stock <c>LoadImages → ResizeImages → ExtractPixels →
/// ApplyOnnxModel</c> — same files, same ONNX file, same ORT threads, interleaved in one process.
/// </summary>
internal static class FilesFeaturizationThroughput
{
    /// <summary>The RGB VAE trained here when no <c>--files-onnx</c> is given: a small conv VAE on 32×32.</summary>
    public static VaeArchitecture Architecture { get; } = VaeArchitecture.Conv(channels: 3, height: 32, width: 32, latentDim: 16, 16, 32);

    /// <summary>Epochs of that VAE, on the first <see cref="TrainImages"/> cached files.</summary>
    public const int TrainEpochs = 2, TrainImages = 2000;

    /// <summary>Makes (or reuses) the files, trains or takes the model, checks that every path featurizes every file, then times them.</summary>
    public static object Measure(ReportOptions o, string models, Action<string> progress)
    {
        string? source = o.FilesSource ?? PngFileCache.DefaultSource();
        string cache = o.FilesCache ?? PngFileCache.DefaultDirectory(source, o.FilesCount);
        var files = PngFileCache.Ensure(cache, source, o.FilesCount, progress);

        string onnx = o.FilesOnnx ?? TrainModel(o, files, models, progress);
        progress("featurize from files: fitting the paths…");
        var mlContext = new MLContext(seed: 1);
        using var paths = new FileFeaturizationPaths(mlContext, onnx, files, o.BatchSize, o.OrtThreads);
        var baselines = Enum.GetValues<SkiaResampling>().ToDictionary(r => r,
            r => new SkiaOrtFileFeaturizer(onnx, files, o.BatchSize, o.OrtThreads, Environment.ProcessorCount, r));
        try
        {
            return Measure(o, files, source, cache, paths, baselines, progress);
        }
        finally
        {
            foreach (var b in baselines.Values) b.Dispose();
        }
    }

    private static object Measure(ReportOptions o, IReadOnlyList<string> files, string? source, string cache, FileFeaturizationPaths paths,
        Dictionary<SkiaResampling, SkiaOrtFileFeaturizer> baselines, Action<string> progress)
    {
        int k = paths.Model.LatentDim;
        progress("featurize from files: checking the paths…");
        float[] oursMu = BenchData.ReadVectorColumn(paths.Ours.Transform(paths.Data), MuRow.Column);
        float[] stockMu = BenchData.ReadVectorColumn(paths.Stock.Transform(paths.Data), MuRow.Column);
        CheckCount(files.Count, oursMu.Length / k, "ours");
        CheckCount(files.Count, stockMu.Length / k, "stock ApplyOnnxModel");
        var baselineMu = new Dictionary<SkiaResampling, float[]>();
        foreach (var (resampling, baseline) in baselines)
        {
            baselineMu[resampling] = new float[files.Count * k];
            CheckCount(files.Count, baseline.Run(baselineMu[resampling]), $"hand-written SkiaSharp + ORT ({resampling})");
        }
        // The paths resample as they each do; the hand-written variant that gives ours' μ does the same
        // preprocessing, and (a)/(b) is measured against it. Neither matching: against the faster, said so.
        var same = baselineMu.Where(b => MaxAbsDifference(b.Value, oursMu) <= SameMuTolerance).Select(b => (SkiaResampling?)b.Key).FirstOrDefault();

        progress($"featurize from files: timing ({o.Repetitions} rounds)…");
        var contenders = new List<Contender>
        {
            new("ours", () => Timed.Of(paths.RunOurs)),
            new("apply_onnx_model", () => Timed.Of(paths.RunStock)),
            // Not a contender: LoadImages alone (every file decoded, one thread): the floor of both ML.NET chains.
            new("load_images_only", () => Timed.Of(paths.RunLoadOnly)),
        };
        foreach (var (resampling, baseline) in baselines)
        {
            contenders.Add(new(Name(resampling), () => Timed.Of(() => baseline.Run())));
            // Not a contender: the same pipeline without ORT, the floor of the hand-written side.
            contenders.Add(new(Name(resampling) + "_decode_only", () => Timed.Of(() => baseline.Run(decodeOnly: true))));
        }
        var rates = Interleaved.Run(contenders, warmups: 1, o.Repetitions);
        string baselineName = Name(same ?? baselines.Keys.MaxBy(r => rates[Name(r)]));

        return new
        {
            files = files.Count,
            source = source ?? "embedded Fashion-MNIST t10k (openclipart-png not installed)",
            cache,
            file_sides = $"{PngFileCache.MinSide}..{PngFileCache.MaxSide} px (width and height drawn independently)",
            file_bytes_total = files.Sum(f => new FileInfo(f).Length),
            model = o.FilesOnnx ?? $"conv {Architecture.Channels}x{Architecture.Height}x{Architecture.Width}, hidden 16,32, k = {Architecture.LatentDim}, {TrainEpochs} epochs on {Math.Min(TrainImages, files.Count)} of the files",
            model_input = $"{paths.Model.Channels}x{paths.Model.Height}x{paths.Model.Width}",
            batch_size = o.BatchSize,
            ort_intra_op_threads = o.OrtThreads,
            skia_decode_threads = Environment.ProcessorCount,
            images_per_second = contenders.ToDictionary(c => c.Name, c => Math.Round(rates[c.Name])),
            baseline = baselineName,
            baseline_chosen_because = same is null
                ? $"no hand-written variant gave ours' μ (within {SameMuTolerance}): compared with the faster"
                : $"it gives ours' μ (within {SameMuTolerance}): the same preprocessing",
            ratio_ours_vs_skia_ort = Math.Round(rates.Ratio("ours", baselineName), 3),
            ratio_ours_vs_apply_onnx_model = Math.Round(rates.Ratio("ours", "apply_onnx_model"), 2),
            paired_ratio_ours_vs_skia_ort = Math.Round(rates.PairedRatio("ours", baselineName), 3),
            paired_ratio_ours_vs_apply_onnx_model = Math.Round(rates.PairedRatio("ours", "apply_onnx_model"), 2),
            goal = "ratio_ours_vs_skia_ort >= 0.90; ratio_ours_vs_apply_onnx_model >= 2",
            verification = new
            {
                rows = files.Count,
                max_abs_mu_difference_vs_ours = baselineMu.ToDictionary(b => Name(b.Key), b => MaxAbsDifference(b.Value, oursMu))
                    .Append(new KeyValuePair<string, double>("apply_onnx_model", MaxAbsDifference(stockMu, oursMu))).ToDictionary(),
                mean_abs_mu_difference_vs_ours = baselineMu.ToDictionary(b => Name(b.Key), b => MeanAbsDifference(b.Value, oursMu))
                    .Append(new KeyValuePair<string, double>("apply_onnx_model", MeanAbsDifference(stockMu, oursMu))).ToDictionary(),
            },
        };
    }

    /// <summary>Largest |Δμ| between two paths that preprocess alike (float rounding, ORT batch vs row kernels).</summary>
    public const double SameMuTolerance = 1e-3;

    private static string Name(SkiaResampling resampling) => resampling switch
    {
        SkiaResampling.AsResizeImages => "skia_ort_nearest",
        _ => "skia_ort_training_sampling",
    };

    /// <summary>Trains <see cref="Architecture"/> on the first cached files, read by the training loader; returns its vae.onnx.</summary>
    private static string TrainModel(ReportOptions o, IReadOnlyList<string> files, string models, Action<string> progress)
    {
        int count = Math.Min(TrainImages, files.Count);
        progress($"featurize from files: training the RGB VAE on {count} files ({TrainEpochs} epochs)…");
        // The training loader reads a folder: link the first files into one, so it reads exactly those.
        string folder = Path.Combine(models, "files-train");
        Directory.CreateDirectory(folder);
        foreach (string file in files.Take(count))
            File.CreateSymbolicLink(Path.Combine(folder, Path.GetFileName(file)), file);
        var set = ImageFolderLoader.Load(folder, Architecture.Height, Architecture.Width, VaeColorMode.Rgb);
        set_num_threads(o.TorchThreads);
        using var trainer = new VaeTrainer(Architecture, new TrainOptions
        {
            Epochs = TrainEpochs, BatchSize = 64, LearningRate = 1e-3, Threads = o.TorchThreads, Seed = 1, Likelihood = VaeLikelihood.Bernoulli,
        });
        trainer.Train(set);
        return BenchModels.Export(trainer.Network, set, Path.Combine(models, "files-vae"));
    }

    private static void CheckCount(long expected, long actual, string side)
    {
        if (actual != expected)
            throw new InvalidOperationException($"{side} returned μ for {actual} files, expected {expected}: not the same work.");
    }

    /// <summary>Largest |a − b| over μ of the same files in the same order.</summary>
    public static double MaxAbsDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Max();

    /// <summary>Mean |a − b|.</summary>
    public static double MeanAbsDifference(float[] a, float[] b) => a.Zip(b, (x, y) => (double)Math.Abs(x - y)).Average();
}
