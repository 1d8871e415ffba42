using SkiaSharp;
using Spectre.Console;
using Vae.Cli;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;
using Vae.Training.Tests.Plots;

namespace Vae.Training.Tests.Cli;

public sealed class TrainingRunTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-run-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static IAnsiConsole Quiet(StringWriter output) =>
        AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });

    [Fact]
    public void Cancellation_keeps_a_checkpoint_and_skips_export()
    {
        var all = FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k").Take(300);
        var split = DataSplit.Random(all, 0.2, seed: 1);
        using var trainer = new VaeTrainer(VaeArchitecture.Mlp(latentDim: 2, hidden: 16),
            new TrainOptions { Epochs = 3, BatchSize = 32, OutputDirectory = _dir, Seed = 1 });
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel(); // what Ctrl+C does: the trainer stops after the current batch

        var outcome = TrainingRun.Run(Quiet(new StringWriter()), trainer, split, _dir, cancelled.Token);

        Assert.True(outcome.Result.Cancelled);
        Assert.Null(outcome.Models);
        Assert.NotNull(outcome.Result.CheckpointPath);
        Assert.True(File.Exists(outcome.Result.CheckpointPath));
        Assert.False(File.Exists(Path.Combine(_dir, "vae.onnx")));
        // The checkpoint resumes to completion.
        using var resumed = VaeTrainer.Resume(outcome.Result.CheckpointPath!);
        var finished = TrainingRun.Run(Quiet(new StringWriter()), resumed, split, _dir, CancellationToken.None, figures: false);
        Assert.False(finished.Result.Cancelled);
        Assert.Equal(3, finished.Result.History.Count);
        Assert.NotNull(finished.Models);
    }

    [Fact]
    public void Train_reads_image_folders()
    {
        // Two classes of 8x8 PNGs: bright squares and dark squares with a bright dot.
        string images = Path.Combine(_dir, "images");
        for (int c = 0; c < 2; c++)
        {
            string folder = Directory.CreateDirectory(Path.Combine(images, c == 0 ? "bright" : "dot")).FullName;
            for (int i = 0; i < 20; i++)
            {
                using var bitmap = new SKBitmap(8, 8);
                bitmap.Erase(c == 0 ? new SKColor((byte)(200 + i), 200, 200) : SKColors.Black);
                if (c == 1) bitmap.SetPixel(i % 8, i / 8 % 8, SKColors.White);
                using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
                File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), data.ToArray());
            }
        }
        // A note and a truncated image: skipped with --skip-bad-images, and the summary line says so.
        File.WriteAllText(Path.Combine(images, "dot", "README.txt"), "not an image");
        byte[] good = File.ReadAllBytes(Path.Combine(images, "dot", "0.png"));
        string truncated = Path.Combine(images, "dot", "truncated.png");
        File.WriteAllBytes(truncated, good[..(good.Length / 2)]);
        string output = Path.Combine(_dir, "out");
        var result = CliRunner.Run("train", "--images", images, "--image-size", "8x8", "--epochs", "1", "--hidden", "8", "--latent", "2",
            "--batch-size", "8", "--threads", "1", "--out", output, "--skip-bad-images", "--resize", "pad", "--background", "#000000", "--no-exif",
            "--augment-flip", "--augment-shift", "1");
        Assert.True(result.ExitCode == 0, result.Error);
        string flat = string.Join(' ', result.Output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)); // the console wraps lines
        Assert.Contains("Loaded 40 images", flat);
        Assert.Contains("skipped 2 files: 1 not an image, 1 bad image", flat);
        Assert.True(File.Exists(Path.Combine(output, "vae.onnx")));
        using (PngAssert.Valid(Path.Combine(output, "reconstructions.png"))) { }
        using var model = Vae.MLNet.VaeModel.Load(Path.Combine(output, "vae.onnx"));
        Assert.Equal((Vae.MLNet.VaeResizeMode.Pad, "#000000", false),
            (model.Preprocessing!.Resize, model.Preprocessing.Background, model.Preprocessing.ApplyExifOrientation));

        var refused = CliRunner.Run("train", "--images", images, "--image-size", "8x8", "--epochs", "1", "--out", output);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains(truncated, string.Concat((refused.Error + refused.Output).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)));

        // The augmentation flags reach the trainer and are kept in the checkpoint, so a resume augments the same way.
        using (var saved = VaeTrainer.Resume(Path.Combine(output, VaeTrainer.CheckpointFileName)))
            Assert.Equal((true, 1), (saved.Options.AugmentFlip, saved.Options.AugmentShift));
    }
}
