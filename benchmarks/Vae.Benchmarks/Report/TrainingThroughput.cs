using TorchSharp;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Measurement 1: training images/second of the MLP 784-400-20 (batch 128, Bernoulli, Adam) —
/// <see cref="VaeTrainer.Train"/> over one epoch of N images (what users run: shuffled batches, metrics),
/// and <see cref="VaeTrainer.TrainStep"/> in a loop — against <see cref="PlainTorchSharpLoop"/> on the same steps.
/// </summary>
internal static class TrainingThroughput
{
    private const int BatchSize = 128;
    private const double LearningRate = 1e-3;

    /// <summary>Checks both sides compute the same step, then times them interleaved.</summary>
    public static object Measure(ReportOptions o)
    {
        torch.set_num_threads(o.TorchThreads);
        var architecture = VaeArchitecture.Mlp();
        ImageSet data = BenchData.EmbeddedTest.Take(o.TrainSteps * BatchSize);
        var check = Verify(architecture, BenchData.EmbeddedTest);

        // Every repetition starts from a fresh trainer / loop (built untimed), so both sides pay the same
        // first-step costs (Adam state allocation) and neither profits from a warmer network.
        var options = new TrainOptions { Epochs = 1, BatchSize = BatchSize, LearningRate = LearningRate, Threads = o.TorchThreads, Seed = 5 };
        int steps = o.TrainSteps;
        var rates = Interleaved.Run(
        [
            new("trainer_train", () =>
            {
                using var trainer = new VaeTrainer(architecture, options);
                return Timed.Of(() =>
                {
                    trainer.Train(data);
                    return data.Count;
                });
            }),
            new("trainer_train_step", () =>
            {
                using var trainer = new VaeTrainer(architecture, options);
                using var noise = new Generator(7);
                return Timed.Of(() =>
                {
                    for (int s = 0; s < steps; s++)
                    {
                        using var batch = PlainTorchSharpLoop.Batch(data, s, BatchSize);
                        trainer.TrainStep(batch, noise);
                    }
                    return (long)steps * BatchSize;
                });
            }),
            new("plain_loop", () =>
            {
                using var plain = new PlainTorchSharpLoop(architecture, data, BatchSize, LearningRate, seed: 5);
                return Timed.Of(() => plain.Run(steps));
            }),
        ], warmups: 1, o.Repetitions);

        return new
        {
            model = architecture.ToString(),
            batch_size = BatchSize,
            torch_threads = o.TorchThreads,
            images_per_repetition = data.Count,
            trainer_train_images_per_second = Math.Round(rates["trainer_train"]),
            trainer_train_step_images_per_second = Math.Round(rates["trainer_train_step"]),
            plain_loop_images_per_second = Math.Round(rates["plain_loop"]),
            ratio_train_vs_plain = Math.Round(rates.Ratio("trainer_train", "plain_loop"), 3),
            ratio_train_step_vs_plain = Math.Round(rates.Ratio("trainer_train_step", "plain_loop"), 3),
            paired_ratio_train_vs_plain = Math.Round(rates.PairedRatio("trainer_train", "plain_loop"), 3),
            paired_ratio_train_step_vs_plain = Math.Round(rates.PairedRatio("trainer_train_step", "plain_loop"), 3),
            goal = "ratio_train_vs_plain >= 0.95",
            verification = check,
        };
    }

    /// <summary>Same initial weights, batches and ε: three steps of each must give the same losses and weights.</summary>
    private static object Verify(VaeArchitecture architecture, ImageSet data)
    {
        using var trainer = new VaeTrainer(architecture, new TrainOptions { BatchSize = BatchSize, LearningRate = LearningRate, Seed = 3 });
        using var plain = new PlainTorchSharpLoop(architecture, data, BatchSize, LearningRate, seed: 3, initialWeights: trainer.Network);
        using var noiseTrainer = new Generator(11);
        using var noisePlain = new Generator(11);
        double lossDiff = 0;
        for (int s = 0; s < 3; s++)
        {
            using var batch = PlainTorchSharpLoop.Batch(data, s, BatchSize);
            float a = trainer.TrainStep(batch, noiseTrainer), b = plain.Step(batch, noisePlain);
            lossDiff = Math.Max(lossDiff, Math.Abs(a - b) / Math.Abs(a));
        }
        double weightDiff = 0;
        using (torch.no_grad())
            foreach (var ((name, p), (_, q)) in trainer.Network.named_parameters().Zip(plain.Network.named_parameters()))
            {
                using var diff = (p - q).abs().max();
                weightDiff = Math.Max(weightDiff, diff.item<float>());
            }
        if (lossDiff > 1e-4 || weightDiff > 1e-4)
            throw new InvalidOperationException(
                $"Trainer and plain loop do different work: after 3 identical steps the relative loss difference is {lossDiff:G3} and the largest weight difference {weightDiff:G3} (expected ≤ 1e-4).");
        return new { steps = 3, max_relative_loss_difference = lossDiff, max_abs_weight_difference = weightDiff };
    }
}
