using System.CommandLine;
using Spectre.Console;
using Vae.Training;
using Vae.Training.Export;

namespace Vae.Cli;

/// <summary><c>vae export</c>: checkpoint → vae.onnx + decoder.onnx.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("export",
            "Export a training checkpoint as vae.onnx (image → mu, sigma, logvar, reconstruction, reconstruction_error, kl) and decoder.onnx (z → image). " +
            "The training images are read again to store reconstruction-error quantiles in the model.");
        var checkpoint = CliOptions.ExistingFile("--checkpoint", "Checkpoint written by 'vae train' (checkpoint.vaeckpt).", required: true);
        var data = new DataOptions();
        var output = CliOptions.OutputDirectory("Folder to write vae.onnx and decoder.onnx into.", "out/export");
        command.Options.Add(checkpoint);
        data.AddTo(command);
        command.Options.Add(output);
        command.SetAction(parse =>
        {
            using var trainer = VaeTrainer.Resume(parse.GetValue(checkpoint)!.FullName);
            var split = data.Load(parse, trainer.Options.Seed, testFraction: 0.1);
            var models = trainer.Export(parse.GetValue(output)!.FullName, split.Train);
            context.Console.MarkupLine(Markup.Escape($"Exported {trainer.Architecture} after {trainer.CompletedEpochs} epoch(s): {models.VaeModelPath}, {models.DecoderModelPath}."));
            return VaeCommandLine.Success;
        });
        return command;
    }
}
