using Spectre.Console;
using SkiaSharp;
using Vae.Cli.Demo;
using Vae.MLNet;

namespace Vae.Training.Tests.Demo;

/// <summary>The demo on a folder of colour images with transparency, as `vae demo --images DIR --rgb` runs it.</summary>
public sealed class ColourDemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-colour-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_colour_folder_gives_an_RGB_model_that_records_its_preprocessing_and_a_report_with_one_cluster_per_class()
    {
        string images = Path.Combine(_dir, "images");
        SKColor[] colours = [new(220, 30, 30), new(30, 180, 40), new(40, 60, 220)];
        string[] classes = ["red", "green", "blue"];
        for (int c = 0; c < classes.Length; c++)
        {
            Directory.CreateDirectory(Path.Combine(images, classes[c]));
            for (int i = 0; i < 14; i++)
                WriteDisc(Path.Combine(images, classes[c], $"{i}.png"), 12 + i, 10 + 2 * i, colours[c]);
        }
        var options = new DemoOptions
        {
            OutputDirectory = Path.Combine(_dir, "out"),
            ImagesDirectory = images,
            ImageHeight = 8,
            ImageWidth = 8,
            ImageFolder = new Vae.Training.Data.ImageFolderOptions { Preprocessing = new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb, Resize = VaeResizeMode.Pad } },
            Epochs = 1,
            Hidden = [16],
            LatentDim = 2,
            PriorComponents = 0,
            BatchSize = 16,
            Threads = 1,
            KMeansSeeds = 1,
            UmapNeighbors = 0,
            ScatterPoints = 10,
            AnomalyClass = 2,
        };
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StringWriter()), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var report = new DemoRunner(console).Run(options);

        Assert.NotNull(report);
        Assert.Equal(42, report.TrainCount + report.TestCount);
        string markdown = File.ReadAllText(Path.Combine(options.OutputDirectory, ReportWriter.FileName));
        Assert.Contains("KMeans, k = 3", markdown, StringComparison.Ordinal);
        Assert.Contains("(red)", markdown, StringComparison.Ordinal); // class 2 in ordinal folder order, by its name
        // Three solid colours on white: raw pixels separate them.
        Assert.Equal(1.0, report.Classifiers.Single(c => c.Features == "raw pixels").MicroAccuracy, 6);

        using var model = VaeModel.Load(Path.Combine(options.OutputDirectory, "model", "vae.onnx"));
        Assert.Equal((3, 8, 8), (model.Channels, model.Height, model.Width));
        Assert.Equal((VaeColorMode.Rgb, VaeResizeMode.Pad, "#FFFFFF"), (model.Preprocessing!.ColorMode, model.Preprocessing.Resize, model.Preprocessing.Background));

        // The reconstruction grid's top row shows the originals in colour.
        using var grid = SKBitmap.Decode(Path.Combine(options.OutputDirectory, "reconstructions.png"));
        bool saturated = false;
        for (int y = 0; y < grid.Height && !saturated; y++)
            for (int x = 0; x < grid.Width && !saturated; x++)
            {
                var p = grid.GetPixel(x, y);
                saturated = Math.Max(p.Red, Math.Max(p.Green, p.Blue)) - Math.Min(p.Red, Math.Min(p.Green, p.Blue)) > 100;
            }
        Assert.True(saturated, "no saturated colour in reconstructions.png");
    }

    /// <summary>A filled disc of <paramref name="colour"/> on a transparent background.</summary>
    private static void WriteDisc(string path, int width, int height, SKColor colour)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = colour, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 2.5f, paint);
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }
}
