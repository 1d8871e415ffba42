using System.CommandLine;
using Spectre.Console;
using Vae.Training.Plots;

namespace Vae.Cli;

/// <summary><c>vae sample</c>: decode draws from the model's prior into a PNG grid.</summary>
internal static class SampleCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("sample", "Draw z from the prior (N(0, I), or each component of a mixture prior), decode it with decoder.onnx and write the images as a PNG grid.");
        var decoder = CliOptions.ExistingFile("--decoder", "decoder.onnx written by 'vae train' or 'vae export'.", required: true);
        var rows = CliOptions.Int("--rows", "Rows of the grid (a mixture prior draws one row per component instead, up to 20).", 4, max: 100);
        var columns = CliOptions.Int("--columns", "Images per row.", 10, max: 100);
        var seed = CliOptions.Int("--seed", "Seed of the latent draws.", 0, min: 0);
        var output = new Option<FileInfo>("--out") { Description = "PNG file to write.", HelpName = "FILE", DefaultValueFactory = _ => new FileInfo("samples.png") };
        foreach (var option in new Option[] { decoder, rows, columns, seed, output }) command.Options.Add(option);
        command.SetAction(parse =>
        {
            string path = TrainingFigures.WriteSamples(parse.GetValue(output)!.FullName, parse.GetValue(decoder)!.FullName,
                parse.GetValue(seed), parse.GetValue(rows), parse.GetValue(columns));
            context.Console.MarkupLine(Markup.Escape($"Wrote {path}."));
            return VaeCommandLine.Success;
        });
        return command;
    }
}
