using System.Runtime.InteropServices;
using TorchSharp;
using Vae.Benchmarks.Shared;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training;

namespace Vae.Benchmarks.Report;

/// <summary>
/// <c>--one-class-validation DIR</c>: the data for choosing an anomaly score's design without looking at the
/// test set. 10% of every class's training images are held out (seeded); per class c a VAE is trained on the
/// other 90% of c, and the outputs a score can read (μ, log σ², error, divergence, KL) are written as raw
/// little-endian float32 files for the fitting images, the held-out validation images (all classes: c is
/// normal, the rest anomalous) and the test set. A score is chosen on "val" and only then reported on "test".
/// </summary>
internal static class OneClassValidationDump
{
    private const VaeOutputKinds Outputs = VaeOutputKinds.Mu | VaeOutputKinds.LogVar | VaeOutputKinds.ReconstructionError
        | VaeOutputKinds.ReconstructionDivergence | VaeOutputKinds.Kl;

    /// <summary>Writes the files into <paramref name="dumpDirectory"/>, or says why it was skipped.</summary>
    public static object Measure(ReportOptions o, string dumpDirectory, string modelDirectory, Action<string> progress)
    {
        if (!FashionMnist.Has(FashionMnist.DebianDirectory, "train") || !FashionMnist.Has(FashionMnist.DebianDirectory, "t10k"))
            return new { skipped = $"{FashionMnist.DebianDirectory} does not hold the full Fashion-MNIST (train and t10k)." };
        var train = FashionMnist.Load(FashionMnist.DebianDirectory, "train");
        var test = FashionMnist.Load(FashionMnist.DebianDirectory, "t10k");
        Directory.CreateDirectory(dumpDirectory);

        var random = new Random(1);
        var heldOut = Enumerable.Range(0, train.Count).GroupBy(i => train.Labels[i])
            .SelectMany(g => g.OrderBy(_ => random.Next()).Take(g.Count() / 10)).Order().ToArray();
        var isHeldOut = new bool[train.Count];
        foreach (int i in heldOut)
            isHeldOut[i] = true;
        WriteInts(Path.Combine(dumpDirectory, "val_indices.i32"), heldOut);
        WriteInts(Path.Combine(dumpDirectory, "val_labels.i32"), heldOut.Select(i => train.Labels[i]).ToArray());
        WriteInts(Path.Combine(dumpDirectory, "test_labels.i32"), test.Labels.ToArray());

        var architecture = OneClassReport.Architecture(o.OneClassModel);
        for (int c = 0; c < 10; c++)
        {
            int[] fit = Enumerable.Range(0, train.Count).Where(i => train.Labels[i] == c && !isHeldOut[i]).ToArray();
            var set = new ImageSet(fit.SelectMany(i => train.Image(i).ToArray()).ToArray(), [], fit.Length, 1, 28, 28, $"fashion-mnist/train class {c} (90%)");
            progress($"one-class validation: class {c}: training on {fit.Length} images");
            torch.set_num_threads(o.TorchThreads);
            string path;
            using (var trainer = new VaeTrainer(architecture, new TrainOptions { Epochs = o.Epochs, BatchSize = o.OneClassBatch, Threads = o.TorchThreads, Seed = 1 }))
            {
                trainer.Train(set);
                path = BenchModels.Export(trainer.Network, set, Path.Combine(modelDirectory, $"one-class-val-{c}"));
            }
            using var model = VaeModel.Load(path);
            Dump(model, train, fit, Path.Combine(dumpDirectory, $"c{c}_fit"));
            Dump(model, train, heldOut, Path.Combine(dumpDirectory, $"c{c}_val"));
            Dump(model, test, Enumerable.Range(0, test.Count).ToArray(), Path.Combine(dumpDirectory, $"c{c}_test"));
        }
        return new { directory = dumpDirectory, model = architecture.ToString(), epochs_per_class = o.Epochs, validation_images = heldOut.Length };
    }

    private static void Dump(VaeModel model, ImageSet images, int[] rows, string prefix)
    {
        var outputs = new Dictionary<string, List<float>> { ["mu"] = [], ["logvar"] = [], ["error"] = [], ["divergence"] = [], ["kl"] = [] };
        for (int start = 0; start < rows.Length; start += 1000)
        {
            int n = Math.Min(1000, rows.Length - start);
            var pixels = rows.Skip(start).Take(n).SelectMany(i => images.Image(i).ToArray()).ToArray();
            var r = model.Run(pixels, n, Outputs);
            outputs["mu"].AddRange(r.Mu!);
            outputs["logvar"].AddRange(r.LogVar!);
            outputs["error"].AddRange(r.ReconstructionError!);
            outputs["divergence"].AddRange(r.ReconstructionDivergence!);
            outputs["kl"].AddRange(r.Kl!);
        }
        foreach (var (name, values) in outputs)
            File.WriteAllBytes($"{prefix}_{name}.f32", MemoryMarshal.AsBytes(CollectionsMarshal.AsSpan(values)).ToArray());
    }

    private static void WriteInts(string path, int[] values) => File.WriteAllBytes(path, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
