using Microsoft.ML;
using TorchSharp;
using Vae.Benchmarks.OneClass;
using Vae.Benchmarks.Shared;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training;

namespace Vae.Benchmarks.Report;

/// <summary>
/// <c>--one-class</c>: <see cref="OneClassBenchmark"/> on the full Fashion-MNIST — per
/// class, a VAE (conv by default, --one-class-model) trained with <see cref="VaeTrainer"/> for N epochs on that class's 6,000 training images;
/// mean AUROC over the ten classes for every score kind and the RandomizedPca baseline.
/// </summary>
internal static class OneClassReport
{
    /// <summary>Runs the benchmark, or says why it was skipped.</summary>
    public static object Measure(ReportOptions o, string modelDirectory, Action<string> progress)
    {
        if (!FashionMnist.Has(FashionMnist.DebianDirectory, "train") || !FashionMnist.Has(FashionMnist.DebianDirectory, "t10k"))
            return new { skipped = $"{FashionMnist.DebianDirectory} does not hold the full Fashion-MNIST (train and t10k)." };
        var train = FashionMnist.Load(FashionMnist.DebianDirectory, "train");
        var test = FashionMnist.Load(FashionMnist.DebianDirectory, "t10k");
        static float[][] Images(ImageSet set) => Enumerable.Range(0, set.Count).Select(i => set.Image(i).ToArray()).ToArray();
        var architecture = Architecture(o.OneClassModel);
        var data = new OneClassBenchmarkData(Images(train), train.Labels, Images(test), test.Labels, 1, 28, 28);

        string Train(int normalClass, IReadOnlyList<float[]> images)
        {
            var set = new ImageSet(images.SelectMany(i => i).ToArray(), [], images.Count, 1, 28, 28, $"fashion-mnist/train class {normalClass}");
            torch.set_num_threads(o.TorchThreads);
            using var trainer = new VaeTrainer(architecture, new TrainOptions { Epochs = o.Epochs, BatchSize = o.OneClassBatch, Threads = o.TorchThreads, Seed = 1 });
            trainer.Train(set);
            return BenchModels.Export(trainer.Network, set, Path.Combine(modelDirectory, $"one-class-{normalClass}"));
        }

        var result = new OneClassBenchmark(new MLContext(seed: 1), data).Run(Train, progress: new Log(progress));
        progress("one-class:\n" + result.ToMarkdown());
        return new
        {
            model = architecture.ToString(),
            epochs_per_class = o.Epochs,
            batch_size = o.OneClassBatch,
            mean_auroc = result.Methods.ToDictionary(m => m, m => Math.Round(result.Mean(m), 4)),
            auroc_by_class = result.Methods.ToDictionary(m => m, m => result.Classes.Select(c => Math.Round(result.Auroc(m, c), 4)).ToArray()),
        };
    }

    /// <summary>"mlp", "conv", or either with ":k" for another latent size and ":w1,w2" for other hidden widths / channels.</summary>
    internal static Vae.Training.Models.VaeArchitecture Architecture(string spec)
    {
        var parts = spec.Split(':');
        if (!BenchModels.Architectures.TryGetValue(parts[0], out var architecture) || parts.Length > 3)
            throw new ArgumentException($"--one-class-model takes mlp or conv, optionally with :k and :widths (e.g. conv:16 or conv:20:64,128); got '{spec}'.");
        if (parts.Length == 3)
            architecture = architecture with
            {
                Hidden = parts[2].Split(',').Select(w => int.TryParse(w, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0
                    ? v : throw new ArgumentException($"--one-class-model: widths must be positive integers, got '{parts[2]}'.")).ToArray(),
            };
        if (parts.Length >= 2)
            architecture = architecture with
            {
                LatentDim = int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out int k) && k > 0
                    ? k : throw new ArgumentException($"--one-class-model: latent size must be a positive integer, got '{parts[1]}'."),
            };
        return architecture;
    }

    private sealed class Log(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write("one-class: " + value);
    }
}
