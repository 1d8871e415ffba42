using Spectre.Console;
using Vae.Training.Models;
using Vae.Training.Export;
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Plots;

namespace Vae.Cli;

/// <summary>What a training run produced: the trainer's result, the exported models (unless cancelled) and the figures.</summary>
internal sealed record TrainingOutcome(TrainResult Result, VaeOnnxFiles? Models, IReadOnlyList<string> Figures);

/// <summary>
/// Train (or resume) with a progress bar, then export vae.onnx + decoder.onnx and draw the loss,
/// reconstruction, sample and interpolation figures — the body of <c>vae train</c>, reused by the demo.
/// </summary>
internal static class TrainingRun
{
    public static TrainingOutcome Run(IAnsiConsole console, VaeTrainer trainer, DataSplit data, string outputDirectory, CancellationToken cancellationToken, bool figures = true)
    {
        var a = trainer.Architecture;
        console.MarkupLine(Markup.Escape($"Training {a} on {data.Train.Count} images, validating on {data.Test.Count} ({data.Description})."));
        var view = new TrainingProgressView(console);
        var result = view.Run("training", progress => trainer.Train(data.Train, data.Test, progress, cancellationToken));
        if (result.Cancelled)
            return new TrainingOutcome(result, null, Array.Empty<string>());

        var models = result.Export(outputDirectory, data.Train);
        console.MarkupLine(Markup.Escape($"Exported {models.VaeModelPath} and {models.DecoderModelPath}."));
        if (!figures) return new TrainingOutcome(result, models, Array.Empty<string>());

        var written = new List<string>
        {
            TrainingFigures.WriteLoss(outputDirectory, result.History, result.Architecture.PriorComponents, result.Options.PriorInitEpochs),
            TrainingFigures.WriteReconstructions(outputDirectory, models.VaeModelPath, data.Test),
            TrainingFigures.WriteSamples(Path.Combine(outputDirectory, TrainingFigures.Samples), models.DecoderModelPath, result.Options.Seed),
            TrainingFigures.WriteInterpolation(Path.Combine(outputDirectory, TrainingFigures.Interpolation), models.VaeModelPath, models.DecoderModelPath,
                data.Test, TrainingFigures.DefaultPairs(data.Test)),
        };
        return new TrainingOutcome(result, models, written);
    }
}
