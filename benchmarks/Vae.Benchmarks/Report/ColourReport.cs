using System.Diagnostics;
using Microsoft.ML;
using TorchSharp;
using Vae.Benchmarks.OneClass;
using Vae.Cli.Demo;
using Vae.MLNet;
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Benchmarks.Report;

/// <summary>
/// <c>--colour DIR</c>: real colour images (Debian's openclipart-png: <c>apt install openclipart-png</c>, 8,121 public-domain
/// PNGs in 22 category folders under /usr/share/openclipart/png) at each of <c>--colour-sizes</c> (32 and 64) as RGB on a
/// white background, aspect kept (pad): a conv VAE's training images/second, test −ELBO and bits/dim, and L-BFGS accuracy
/// on μ vs raw pixels over the categories; then, at the first size, the one-class protocol over the
/// <c>--colour-one-class N</c> largest categories (a VAE per category, every score kind, RandomizedPca on pixels beside).
/// </summary>
internal static class ColourReport
{
    public static object Measure(ReportOptions o, string modelDirectory, Action<string> progress)
    {
        string folder = o.ColourDirectory!;
        if (!Directory.Exists(folder))
            return new { skipped = $"{folder} does not exist (apt install openclipart-png for /usr/share/openclipart/png)." };
        var sizes = new Dictionary<string, object>();
        ImageSet? first = null;
        foreach (int size in o.ColourSizes)
        {
            var clock = Stopwatch.StartNew();
            var all = Load(folder, size, o);
            progress($"colour {size}x{size}: {all.Count} images of {all.ClassNames.Count} categories loaded in {clock.Elapsed.TotalSeconds:F0} s");
            first ??= all;
            sizes[$"{size}x{size}"] = MeasureSize(o, all, size, Path.Combine(modelDirectory, $"colour-{size}"), progress);
        }
        var result = new Dictionary<string, object?>
        {
            ["data"] = folder,
            ["preprocessing"] = Preprocessing.ToString(),
            ["epochs"] = o.Epochs,
            ["architecture_widths"] = o.ColourWidths,
            ["likelihood"] = Likelihood(o).ToString(),
            ["sizes"] = sizes,
        };
        if (o.ColourOneClass > 0 && first != null)
            result["one_class"] = OneClass(o, first, modelDirectory, progress);
        return result;
    }

    private static readonly VaeImagePreprocessing Preprocessing = new() { ColorMode = VaeColorMode.Rgb, Resize = VaeResizeMode.Pad, Background = "#FFFFFF" };

    // Real folders hold files that are not images or too large to decode (one clip-art PNG is 16000x14464): skipped, counted.
    private static ImageSet Load(string folder, int size, ReportOptions o) =>
        ImageFolderLoader.Read(folder, size, size, new ImageFolderOptions { Preprocessing = Preprocessing, SkipBadImages = true }).Images;

    private static VaeLikelihood Likelihood(ReportOptions o) => o.ColourLikelihood ?? TrainOptions.DefaultLikelihood(3);

    private static VaeArchitecture Architecture(ReportOptions o, int size) =>
        VaeArchitecture.Conv(3, size, size, o.Latent ?? 32, o.ColourWidths.ToArray());

    private static TrainOptions Options(ReportOptions o) =>
        new() { Epochs = o.Epochs, Threads = o.TorchThreads, Seed = 1, Likelihood = Likelihood(o) };

    private static Dictionary<string, object?> MeasureSize(ReportOptions o, ImageSet all, int size, string directory, Action<string> progress)
    {
        var split = DataSplit.Random(all, 0.2, seed: 1);
        torch.set_num_threads(o.TorchThreads);
        var architecture = Architecture(o, size);
        using var trainer = new VaeTrainer(architecture, Options(o));
        var clock = Stopwatch.StartNew();
        var trained = trainer.Train(split.Train, progress: new EpochLog($"colour {size}x{size}", progress));
        double seconds = clock.Elapsed.TotalSeconds;
        var test = trainer.Evaluate(split.Test);
        int values = 3 * size * size;
        string onnx = trainer.Export(directory, split.Train).VaeModelPath;

        var ml = new MLContext(seed: 1);
        var trainView = DemoDataView.Create(ml, split.Train);
        var testView = DemoDataView.Create(ml, split.Test);
        var features = FeaturizeStep.Run(ml, onnx, trainView, testView);
        var mu = ClassificationStep.Run(ml, features.Train, features.Test, FeaturizeStep.Mu, "VAE μ");
        var pixels = ClassificationStep.Run(ml, trainView, testView, DemoDataView.Pixels, "raw pixels");
        progress($"colour {size}x{size}: −ELBO {test.Total:F1} nats, accuracy μ {mu.MicroAccuracy:F4} vs pixels {pixels.MicroAccuracy:F4}");
        return new Dictionary<string, object?>
        {
            ["model"] = architecture.ToString(),
            ["train_images"] = split.Train.Count,
            ["test_images"] = split.Test.Count,
            ["vae_train_seconds"] = Math.Round(seconds, 1),
            ["train_images_per_second"] = Math.Round(o.Epochs * (double)split.Train.Count / seconds, 1),
            ["last_epoch_train_images_per_second"] = Math.Round(trained.History[^1].ImagesPerSecond, 1),
            ["test_negative_elbo_nats"] = Math.Round(test.Total, 2),
            ["test_reconstruction_nats"] = Math.Round(test.Reconstruction, 2),
            ["test_kl_nats"] = Math.Round(test.Kl, 2),
            ["active_units"] = test.ActiveUnits,
            ["test_bits_per_dim"] = Math.Round(BitsPerDim(test.Total, values, Likelihood(o)), 4),
            ["bits_per_dim_note"] = BitsPerDimNote(Likelihood(o)),
            ["mu_lbfgs_accuracy"] = Math.Round(mu.MicroAccuracy, 4),
            ["pixels_lbfgs_accuracy"] = Math.Round(pixels.MicroAccuracy, 4),
            ["mu_lbfgs_train_seconds"] = Math.Round(mu.TrainSeconds, 2),
            ["pixels_lbfgs_train_seconds"] = Math.Round(pixels.TrainSeconds, 2),
            ["warnings"] = trained.Warnings,
        };
    }

    /// <summary>
    /// Bits per value of the −ELBO. A density over [0, 1] (Gaussian, Laplace) gives the probability of a 1/256-wide bin
    /// as density × 1/256, so its discrete −log p adds log 256 per value (the usual dequantisation convention); a Bernoulli
    /// "likelihood" of 8-bit colours is not a distribution over them, so its figure is not comparable and is marked so.
    /// </summary>
    internal static double BitsPerDim(double negativeElboNats, int values, VaeLikelihood likelihood) =>
        (negativeElboNats + (IsDensity(likelihood) ? values * Math.Log(256) : 0)) / (values * Math.Log(2));

    private static bool IsDensity(VaeLikelihood likelihood) => likelihood.ToString() is "Gaussian" or "Laplace";

    private static string BitsPerDimNote(VaeLikelihood likelihood) => IsDensity(likelihood)
        ? "(−ELBO + D·ln 256) / (D·ln 2): a density over [0, 1] evaluated at bin centres, dequantisation convention"
        : likelihood.ToString() == "Bernoulli"
            ? "−ELBO / (D·ln 2) of the Bernoulli cross-entropy: not a bound on 8-bit colours, not comparable with published bits/dim"
            : "−ELBO / (D·ln 2): the likelihood is discrete over the 256 levels";

    private static object OneClass(ReportOptions o, ImageSet all, string modelDirectory, Action<string> progress)
    {
        // The N largest categories, relabelled 0..N−1 in decreasing size, then an 80/20 split.
        var largest = Enumerable.Range(0, all.ClassNames.Count)
            .Select(c => (Class: c, Count: all.Labels.Count(l => l == c)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Class).Take(o.ColourOneClass).ToList();
        var keep = Enumerable.Range(0, all.Count).Where(i => largest.Any(c => c.Class == all.Labels[i])).ToArray();
        var subset = all.Subset(keep, $"{all.Source}, {largest.Count} largest categories");
        var split = DataSplit.Random(subset, 0.2, seed: 1);
        var relabel = largest.Select((c, i) => (c.Class, i)).ToDictionary(p => p.Class, p => p.i);
        static float[][] Images(ImageSet set) => Enumerable.Range(0, set.Count).Select(i => set.Image(i).ToArray()).ToArray();
        var data = new OneClassBenchmarkData(Images(split.Train), split.Train.Labels.Select(l => relabel[l]).ToArray(),
            Images(split.Test), split.Test.Labels.Select(l => relabel[l]).ToArray(), 3, all.Height, all.Width);

        string Train(int normalClass, IReadOnlyList<float[]> images)
        {
            var set = new ImageSet(images.SelectMany(i => i).ToArray(), [], images.Count, 3, all.Height, all.Width,
                $"{all.Source} category {all.ClassNames[largest[normalClass].Class]}", preprocessing: Preprocessing);
            torch.set_num_threads(o.TorchThreads);
            using var trainer = new VaeTrainer(Architecture(o, all.Height), Options(o));
            trainer.Train(set);
            return trainer.Export(Path.Combine(modelDirectory, $"colour-one-class-{normalClass}"), set).VaeModelPath;
        }

        var result = new OneClassBenchmark(new MLContext(seed: 1), data).Run(Train, progress: new Log(progress));
        progress("colour one-class:\n" + result.ToMarkdown());
        return new
        {
            size = $"{all.Height}x{all.Width}",
            categories = largest.Select(c => new { name = all.ClassNames[c.Class], images = c.Count }).ToArray(),
            mean_auroc = result.Methods.ToDictionary(m => m, m => Math.Round(result.Mean(m), 4)),
            auroc_by_category = result.Methods.ToDictionary(m => m, m => result.Classes.Select(c => Math.Round(result.Auroc(m, c), 4)).ToArray()),
        };
    }

    private sealed class EpochLog(string what, Action<string> log) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value)
        {
            if (value.CompletedEpoch is { } m)
                log($"{what}: epoch {m.Epoch}/{value.Epochs} train -ELBO {m.TrainTotal:F2}, {m.ImagesPerSecond:F0} images/s");
        }
    }

    private sealed class Log(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write("colour one-class: " + value);
    }
}
