using System.Text.Json;
using Xunit.Abstractions;

namespace Vae.Notebooks.Tests;

/// <summary>
/// Runs the three notebooks, every cell in order, in the real .NET Interactive C# kernel (dotnet-repl) with the
/// packages from the local folder, as a user would; any cell error fails. Then checks what the outputs show.
/// About a minute and a half on 2 cores once the kernel's packages folder is filled (the first run on a machine
/// extracts ~2 GB into it).
/// </summary>
public class NotebookTests(NotebookKernel kernel, ITestOutputHelper log) : IClassFixture<NotebookKernel>
{
    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    [Fact]
    public void NotebooksKeepNoOutputs()
    {
        // Outputs would go stale as the code changes; the notebooks are committed clean and run by these tests.
        var notebooks = Directory.GetFiles(NotebookPaths.Directory(), "*.ipynb");
        Assert.Equal(4, notebooks.Length);
        foreach (string notebook in notebooks)
            Assert.All(NotebookFile.Read(notebook), cell => Assert.True(cell.Outputs.Count == 0, $"{Path.GetFileName(notebook)} cell {cell.Index} holds outputs"));
    }

    [Fact]
    public void TrainNotebookTrainsExportsAndShowsItsFigures()
    {
        var run = Ran(kernel.Train);
        run.AssertRanCleanly();

        var elbo = run.Find(@"validation −ELBO ([0-9.]+) = reconstruction ([0-9.]+) \+ KL ([0-9.]+)");
        double total = ExecutedNotebook.Number(elbo), reconstruction = ExecutedNotebook.Number(elbo, 2), kl = ExecutedNotebook.Number(elbo, 3);
        Assert.InRange(total, 50, 784 * Math.Log(2)); // below the −ELBO of predicting ½ for every pixel
        Assert.Equal(total, reconstruction + kl, 0.02);
        string model = Path.Combine(kernel.OutputDirectory, "notebook-01");
        Assert.True(File.Exists(Path.Combine(model, "vae.onnx")) && File.Exists(Path.Combine(model, "decoder.onnx")), $"no vae.onnx/decoder.onnx in {model}");

        var figures = run.Cells.Single(c => c.Source.Contains("ShowPng(png)", StringComparison.Ordinal));
        var pngs = run.InlinePngs(figures);
        Assert.Equal(3, pngs.Count); // loss, reconstructions, samples
        Assert.All(pngs, png => Assert.True(png.Length > 1000 && png.AsSpan(0, 4).SequenceEqual(PngSignature), "an inline figure is not a PNG"));
    }

    [Fact]
    public void TheKernelLoadsTorchSharpWithoutTouchingTheNuGetCache()
    {
        Ran(kernel.Train).AssertRanCleanly();
        // TorchSharp's own fallback would have copied libtorch into torchsharp/<version>/lib/<tfm>/cpu in the packages folder.
        var consolidated = Directory.GetDirectories(Path.Combine(kernel.NuGetPackages, "torchsharp"), "cpu", SearchOption.AllDirectories);
        Assert.Empty(consolidated);
        const string systemLibStdCxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6";
        if (File.Exists(systemLibStdCxx) && !File.ReadAllText(systemLibStdCxx, System.Text.Encoding.Latin1).Contains("GLIBCXX_3.4.32\0", StringComparison.Ordinal))
        {
            // An old libstdc++ (Debian 12): Vae.Training loaded its patched copy from the per-user cache.
            var patched = Directory.GetFiles(Path.Combine(kernel.CacheDirectory, "vae-mlnet", "libtorchsharp"), "libLibTorchSharp.so", SearchOption.AllDirectories);
            Assert.Single(patched);
        }
    }

    [Fact]
    public void FeaturesNotebookClassifiesClustersAndSavesThePipeline()
    {
        Ran(kernel.Train).AssertRanCleanly(); // it writes the model this notebook loads
        var run = Timed(() => kernel.Run("02-features-classify-cluster.ipynb"));
        run.AssertRanCleanly();

        Assert.InRange(ExecutedNotebook.Number(run.Find(@"Features = μ \(20\), Accuracy = ([0-9.]+)")), 0.3, 1.0); // 10 classes: chance is 0.1
        var nmi = run.Find(@"mean of 5 seeds: μ ([0-9.]+), raw pixels ([0-9.]+)");
        Assert.InRange(ExecutedNotebook.Number(nmi), 0.05, 1.0);
        Assert.InRange(ExecutedNotebook.Number(nmi, 2), 0.05, 1.0);
        Assert.InRange(ExecutedNotebook.Number(run.Find(@"then KMeans: NMI[^0-9]*([0-9.]+)")), 0.05, 1.0);
        run.Find("μ after loading equals μ before: True");
    }

    [Fact]
    public void AnomalyNotebookScoresAndShowsAHeatmap()
    {
        var run = Timed(() => kernel.Run("03-anomaly-detection.ipynb"));
        run.AssertRanCleanly();

        var rows = run.FindAll(@"Score = ([^,]+), AUROC = ([0-9.]+)");
        var scores = rows.Select(r => r.Groups[1].Value).ToList();
        Assert.Contains("ReconstructionError", scores);
        Assert.Contains("RandomizedPca (pixels)", scores);
        Assert.True(scores.Count >= 3, $"the AUROC table has {scores.Count} rows: {string.Join(", ", scores)}");
        Assert.All(rows, row => Assert.InRange(ExecutedNotebook.Number(row, 2), 0.0, 1.0));

        var map = run.Find(@"error ([0-9.]+) nats = Σ pixel errors ([0-9.]+)");
        double error = ExecutedNotebook.Number(map), total = ExecutedNotebook.Number(map, 2);
        Assert.Equal(error, total, 0.01 * Math.Max(1, error) + 0.1); // the map sums to the scalar error (printed to 0.1)
        var heatmap = run.Cells.Single(c => c.Source.Contains("ShowPng(heatmap)", StringComparison.Ordinal));
        Assert.Single(run.InlinePngs(heatmap));
    }

    [Fact]
    public void ColourNotebookTrainsOnAColourFolderAndMLNetGivesTheTrainingFeatures()
    {
        string folder = Directory.CreateTempSubdirectory("vae-notebook-colour-").FullName;
        try
        {
            // Three classes of coloured discs on a transparent background, at assorted sizes.
            (string Name, int R, int G, int B)[] classes = [("blue", 40, 60, 220), ("green", 30, 180, 40), ("red", 220, 30, 30)];
            foreach (var (name, r, g, b) in classes)
            {
                Directory.CreateDirectory(Path.Combine(folder, name));
                for (int i = 0; i < 20; i++)
                    Disc(Path.Combine(folder, name, $"{i:D2}.png"), 12 + i, 9 + 2 * i, r, g, b);
            }
            var run = Timed(() => kernel.Run("04-colour-images.ipynb", settings: new Dictionary<string, string?>
            {
                ["VAE_NOTEBOOK_COLOUR_IMAGES"] = folder,
                ["VAE_NOTEBOOK_COLOUR_SIZE"] = "16",
                ["VAE_NOTEBOOK_IMAGES"] = "60",
            }));
            run.AssertRanCleanly();
            run.Find("60 images from image folder .*; no files skipped");
            run.Find("48 training and 12 validation images, 3x16x16, 3 classes");
            run.Find("contract v2, 3x16x16, preprocessing: pad, RGB, background #FFFFFF");
            run.Find("3 files: μ through LoadImages \\+ VaeFeaturize equals the training μ: True");
            var figures = run.Cells.Single(c => c.Source.Contains("WriteReconstructions", StringComparison.Ordinal));
            Assert.Equal(2, run.InlinePngs(figures).Count);
        }
        finally { Directory.Delete(folder, recursive: true); }
    }

    /// <summary>A disc of one colour, antialiased edge, on transparent pixels (RGBA PNG).</summary>
    private static void Disc(string path, int width, int height, int r, int g, int b)
    {
        var samples = new int[width * height * 4];
        double radius = Math.Min(width, height) / 2.5;
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                double d = Math.Sqrt(Math.Pow(x + 0.5 - width / 2.0, 2) + Math.Pow(y + 0.5 - height / 2.0, 2));
                int alpha = (int)Math.Round(255 * Math.Clamp(radius - d + 0.5, 0, 1));
                samples[(y * width + x) * 4 + 0] = r;
                samples[(y * width + x) * 4 + 1] = g;
                samples[(y * width + x) * 4 + 2] = b;
                samples[(y * width + x) * 4 + 3] = alpha;
            }
        Vae.Training.Tests.Support.PngWriter.Write(path, Vae.Training.Tests.Support.PngWriter.ColorType.Rgba, width, height, samples);
    }

    /// <summary>The runner itself: a cell that throws must fail the run and show its error.</summary>
    [Fact]
    public void ACellErrorFailsTheRun()
    {
        Assert.True(kernel.Ready, kernel.SetupFailure);
        string path = Path.Combine(Directory.CreateTempSubdirectory("vae-notebook-failing-").FullName, "failing.ipynb");
        try
        {
            File.WriteAllText(path, JsonSerializer.Serialize(new
            {
                cells = new[] { "var a = 1;", "throw new InvalidOperationException(\"boom\");" }.Select(source => new
                {
                    cell_type = "code",
                    execution_count = (int?)null,
                    metadata = new { dotnet_interactive = new { language = "csharp" } },
                    outputs = Array.Empty<object>(),
                    source = new[] { source },
                }),
                metadata = new { kernelspec = new { name = ".net-csharp", language = "C#", display_name = ".NET (C#)" } },
                nbformat = 4,
                nbformat_minor = 5,
            }));
            var run = kernel.Run("failing.ipynb", path);
            Assert.False(run.Process.Succeeded, $"a throwing cell should fail dotnet repl.\n{run.Process.Describe()}");
            var (cell, error) = Assert.Single(run.Errors);
            Assert.Equal(1, cell.Index);
            Assert.Contains("boom", error.ErrorValue, StringComparison.Ordinal);
        }
        finally { Directory.Delete(Path.GetDirectoryName(path)!, recursive: true); }
    }

    private ExecutedNotebook Ran(ExecutedNotebook? run)
    {
        Assert.True(kernel.Ready, kernel.SetupFailure);
        Assert.NotNull(run);
        log.WriteLine($"{run.Name}: {run.Process.Elapsed.TotalSeconds:F0} s; pack {kernel.Pack.Elapsed.TotalSeconds:F0} s, tool restore {kernel.ToolRestore.Elapsed.TotalSeconds:F0} s");
        return run;
    }

    private ExecutedNotebook Timed(Func<ExecutedNotebook> run)
    {
        Assert.True(kernel.Ready, kernel.SetupFailure);
        var result = run();
        log.WriteLine($"{result.Name}: {result.Process.Elapsed.TotalSeconds:F0} s");
        return result;
    }
}
