using System.Diagnostics;
using Spectre.Console;
using Vae.Cli;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;

namespace Vae.Cli.Demo;

/// <summary>Step 1: train a VAE (progress bar with reconstruction and KL), export vae.onnx + decoder.onnx, evaluate on the test images.</summary>
internal static class TrainVaeStep
{
    /// <summary>The architecture the options describe, for images shaped like <paramref name="images"/>.</summary>
    public static VaeArchitecture Architecture(DemoOptions options, ImageSet images)
    {
        int[] hidden = options.Hidden.ToArray();
        var architecture = options.Kind == VaeKind.Conv
            ? VaeArchitecture.Conv(images.Channels, images.Height, images.Width, options.LatentDim, hidden)
            : VaeArchitecture.Mlp(images.Channels, images.Height, images.Width, options.LatentDim, hidden);
        return (architecture with { PriorComponents = options.PriorComponents }).Validated();
    }

    /// <summary>Trains on <paramref name="data"/>.Train into <paramref name="folder"/>; null when cancelled (a checkpoint is left there).</summary>
    public static DemoVae? Run(IAnsiConsole console, DemoOptions options, DataSplit data, string folder, bool figures, CancellationToken cancellationToken)
    {
        var trainOptions = new TrainOptions
        {
            Epochs = options.Epochs,
            BatchSize = options.BatchSize,
            LearningRate = options.LearningRate,
            Seed = options.Seed,
            Likelihood = options.Likelihood,
            GaussianSigma = options.GaussianSigma,
            LearnGaussianSigmaPerChannel = options.LearnGaussianSigmaPerChannel,
            LikelihoodScale = options.LikelihoodScale,
            Beta = options.Beta,
            KlWarmup = options.Warmup,
            FreeBits = options.FreeBits,
            PriorInitEpochs = options.PriorInitEpochs,
            Threads = options.Threads,
            OutputDirectory = folder,
        }.Validated();
        var clock = Stopwatch.StartNew();
        using var trainer = new VaeTrainer(Architecture(options, data.Train), trainOptions);
        var outcome = TrainingRun.Run(console, trainer, data, folder, cancellationToken, figures);
        double seconds = clock.Elapsed.TotalSeconds;
        if (outcome.Models == null) return null;
        var test = trainer.Evaluate(data.Test);
        return new DemoVae(outcome.Models.VaeModelPath, outcome.Models.DecoderModelPath, outcome.Result.History.Count,
            test.Reconstruction, test.Kl, test.ActiveUnits, trainer.Architecture.LatentDim, seconds, outcome.Figures);
    }
}
