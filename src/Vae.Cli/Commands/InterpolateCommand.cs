using System.CommandLine;
using Spectre.Console;
using Vae.Training.Plots;

namespace Vae.Cli;

/// <summary><c>vae interpolate</c>: decode a straight line between the μ of two images into a PNG row.</summary>
internal static class InterpolateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("interpolate",
            "Encode two images to their latent means μ, decode evenly spaced points on the line between them, and write the row as a PNG.");
        var model = CliOptions.ExistingFile("--model", "vae.onnx written by 'vae train' or 'vae export' (decoder.onnx is taken from the same folder unless --decoder).", required: true);
        var decoder = CliOptions.ExistingFile("--decoder", "decoder.onnx (default: beside --model).");
        var from = CliOptions.Int("--from", "Index of the first image in the test split.", 0, min: 0);
        var to = CliOptions.Int("--to", "Index of the second image in the test split.", 1, min: 0);
        var steps = CliOptions.Int("--steps", "Images on the line, ends included.", 10, min: 2, max: 100);
        var seed = CliOptions.Int("--seed", "Seed of the train/test split when the data has a single split.", 0, min: 0);
        var data = new DataOptions();
        var output = new Option<FileInfo>("--out") { Description = "PNG file to write.", HelpName = "FILE", DefaultValueFactory = _ => new FileInfo("interpolation.png") };
        foreach (var option in new Option[] { model, decoder, from, to, steps, seed, output }) command.Options.Add(option);
        data.AddTo(command);
        command.SetAction(parse =>
        {
            string vaePath = parse.GetValue(model)!.FullName;
            string decoderPath = parse.GetValue(decoder)?.FullName ?? Path.Combine(Path.GetDirectoryName(vaePath)!, "decoder.onnx");
            if (!File.Exists(decoderPath))
                throw new FileNotFoundException($"decoder.onnx not found beside {vaePath}; pass --decoder FILE.", decoderPath);
            var images = data.Load(parse, parse.GetValue(seed), testFraction: 0.1).Test;
            string path = TrainingFigures.WriteInterpolation(parse.GetValue(output)!.FullName, vaePath, decoderPath, images,
                new[] { (parse.GetValue(from), parse.GetValue(to)) }, parse.GetValue(steps));
            context.Console.MarkupLine(Markup.Escape($"Wrote {path}."));
            return VaeCommandLine.Success;
        });
        return command;
    }
}
