using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training;
using Vae.Training.Export;

namespace Vae.Cli;

/// <summary><c>vae eval</c>: −ELBO split into reconstruction and KL, and active units, of a model or checkpoint on data.</summary>
internal static class EvalCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("eval",
            "Evaluate a model on images: −ELBO = reconstruction + KL (nats per image, at z = μ for an ONNX model, sampled z for a checkpoint), " +
            "and the number of active latent units (Var over images of μ_j > 0.01); for the discretized logistic, whose error is a probability of the 8-bit image, also bits/dim.");
        var model = CliOptions.ExistingFile("--model", "vae.onnx written by 'vae train' or 'vae export'.");
        var checkpoint = CliOptions.ExistingFile("--checkpoint", "Checkpoint written by 'vae train' (instead of --model).");
        var split = CliOptions.Choice("--split", "Which part of the data to evaluate", "test", "test", "train");
        var seed = CliOptions.Int("--seed", "Seed of the train/test split when the data has a single split.", 0, min: 0);
        var data = new DataOptions();
        command.Options.Add(model);
        command.Options.Add(checkpoint);
        command.Options.Add(split);
        command.Options.Add(seed);
        data.AddTo(command);
        command.Validators.Add(r =>
        {
            bool hasModel = r.GetResult(model) is { Implicit: false }, hasCheckpoint = r.GetResult(checkpoint) is { Implicit: false };
            if (hasModel == hasCheckpoint) r.AddError("Give exactly one of --model (vae.onnx) or --checkpoint.");
        });
        command.SetAction(parse =>
        {
            var loaded = data.Load(parse, parse.GetValue(seed), testFraction: 0.1);
            var images = parse.GetValue(split) == "train" ? loaded.Train : loaded.Test;
            var (reconstruction, kl, active, k, likelihood) = parse.GetValue(model) is { } onnx
                ? EvaluateOnnx(onnx.FullName, images)
                : EvaluateCheckpoint(parse.GetValue(checkpoint)!.FullName, images);
            var table = new Table().Title(Markup.Escape($"{images.Count} images: {images.Source}"))
                .AddColumn("quantity").AddColumn(new TableColumn("value").RightAligned());
            table.AddRow("reconstruction (nats/image)", F(reconstruction));
            table.AddRow("KL (nats/image)", F(kl));
            table.AddRow("−ELBO (nats/image)", F(reconstruction + kl));
            // Only the discretized logistic is a distribution over the 8-bit levels, so only its −ELBO bounds their bits.
            if (likelihood == VaeLikelihood.DiscretizedLogistic)
                table.AddRow("−ELBO (bits/dim)", F((reconstruction + kl) / (images.PixelsPerImage * Math.Log(2))));
            table.AddRow("active units", $"{active} of {k}");
            context.Console.Write(table);
            return VaeCommandLine.Success;
        });
        return command;
    }

    private static (double Reconstruction, double Kl, int Active, int LatentDim, VaeLikelihood? Likelihood) EvaluateCheckpoint(string path, ImageSet images)
    {
        using var trainer = VaeTrainer.Resume(path);
        var result = trainer.Evaluate(images);
        return (result.Reconstruction, result.Kl, result.ActiveUnits, trainer.Architecture.LatentDim, trainer.Loss.Likelihood);
    }

    private static (double Reconstruction, double Kl, int Active, int LatentDim, VaeLikelihood? Likelihood) EvaluateOnnx(string path, ImageSet images)
    {
        using var runner = new OnnxVaeRunner(path, null);
        if (images.Channels != runner.Channels || images.Height != runner.Height || images.Width != runner.Width)
            throw new ArgumentException($"{images.Source}: images are {images.Channels}x{images.Height}x{images.Width}, {path} expects {runner.Channels}x{runner.Height}x{runner.Width}.");
        int k = runner.LatentDim;
        double errorSum = 0, klSum = 0;
        var sum = new double[k];
        var sumSquares = new double[k];
        const int batch = 500;
        for (int start = 0; start < images.Count; start += batch)
        {
            int count = Math.Min(batch, images.Count - start);
            var (mu, error, kl) = runner.Score(images.CopyPixels(start, count), count);
            errorSum += error.Sum(e => (double)e);
            klSum += kl.Sum(e => (double)e);
            for (int i = 0; i < count; i++)
                for (int j = 0; j < k; j++)
                {
                    double m = mu[i * k + j];
                    sum[j] += m;
                    sumSquares[j] += m * m;
                }
        }
        int n = images.Count;
        // Active unit (Burda et al.): the encoder mean moves with the input, Var_x(E[z_j|x]) > 0.01.
        int active = Enumerable.Range(0, k).Count(j => (sumSquares[j] - sum[j] * sum[j] / n) / Math.Max(1, n - 1) > VaeEvaluator.ActiveUnitThreshold);
        return (errorSum / n, klSum / n, active, k, runner.Likelihood);
    }

    private static string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
