using System.CommandLine;
using Spectre.Console;
using Vae.Training;

namespace Vae.Cli;

/// <summary><c>vae train</c>: train a VAE, checkpoint every epoch, export ONNX and draw figures.</summary>
internal static class TrainCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("train",
            "Train a VAE on images. Writes checkpoint.vaeckpt and metrics.json/.csv every epoch, and at the end vae.onnx, " +
            "decoder.onnx and figures (loss.png, reconstructions.png, samples.png, interpolation.png). Ctrl+C saves a checkpoint; " +
            "continue with --resume.");
        var data = new DataOptions();
        var settings = new TrainSettings();
        var output = CliOptions.OutputDirectory("Output folder for the checkpoint, metrics, models and figures.", "out/train");
        // Training batches only (never validation, test or error quantiles); with --resume the checkpoint's setting holds.
        var augmentFlip = CliOptions.Flag("--augment-flip", "Augment training images: mirror each left-right with probability 1/2 (seeded by --seed, epoch and position; off by default).");
        var augmentShift = CliOptions.Int("--augment-shift", "Augment training images: move each by up to N pixels in x and y, padding with the background colour (0 = off).", 0, min: 0, max: 64);
        var resume = CliOptions.ExistingFile("--resume", "Continue from this checkpoint (same data; model options come from the checkpoint, --epochs is the total).");
        data.AddTo(command);
        settings.AddTo(command);
        command.Options.Add(augmentFlip);
        command.Options.Add(augmentShift);
        command.Options.Add(output);
        command.Options.Add(resume);
        command.SetAction(parse =>
        {
            string outDir = Directory.CreateDirectory(parse.GetValue(output)!.FullName).FullName;
            int seed = parse.GetValue(settings.Seed);
            var split = data.Load(parse, seed, testFraction: 0.1, line => context.Console.MarkupLine(Markup.Escape(line)));
            using var trainer = parse.GetValue(resume) is { } checkpoint
                ? VaeTrainer.Resume(checkpoint.FullName, saved => saved with
                {
                    Epochs = parse.GetValue(settings.Epochs),
                    Threads = parse.GetValue(settings.Threads),
                    OutputDirectory = outDir,
                    LearningRate = parse.GetResult(settings.LearningRate) is { Implicit: false } ? parse.GetValue(settings.LearningRate) : saved.LearningRate,
                })
                : new VaeTrainer(settings.Architecture(parse, split.Train), settings.Options(parse, outDir) with
                {
                    AugmentFlip = parse.GetValue(augmentFlip),
                    AugmentShift = parse.GetValue(augmentShift),
                });
            using var stop = new StopSignals(context.Error);
            var outcome = TrainingRun.Run(context.Console, trainer, split, outDir, stop.Token);
            if (outcome.Result.Cancelled)
            {
                context.Console.MarkupLine(Markup.Escape(
                    $"Stopped after {outcome.Result.History.Count} full epoch(s); checkpoint: {outcome.Result.CheckpointPath}. " +
                    $"Continue with: vae train --resume {outcome.Result.CheckpointPath} (and the same --data/--images)."));
                return VaeCommandLine.Interrupted;
            }
            foreach (var warning in outcome.Result.Warnings) context.Console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(warning)}");
            context.Console.MarkupLine(Markup.Escape($"Figures: {string.Join(", ", outcome.Figures.Select(Path.GetFileName))} in {outDir}."));
            return VaeCommandLine.Success;
        });
        return command;
    }
}
