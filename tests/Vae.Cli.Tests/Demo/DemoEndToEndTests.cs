using Vae.MLNet;
using System.Globalization;
using Spectre.Console;
using Vae.Cli.Demo;
using Vae.Training.Tests.Plots;

namespace Vae.Training.Tests.Demo;

public sealed class DemoEndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-demo-").FullName;

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("VAE_KEEP_TEST_OUTPUT") != "1") Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Tiny_demo_writes_the_report_and_every_figure_with_valid_numbers()
    {
        var options = new DemoOptions
        {
            OutputDirectory = _dir,
            TrainLimit = 800,
            TestLimit = 200,
            Epochs = 2, // the default mixture prior is placed after epoch 1 and trained in epoch 2
            Hidden = new[] { 64 },
            LatentDim = 4,
            BatchSize = 64,
            Threads = 2,
            ScatterPoints = 200,
            KMeansSeeds = 3,
        };
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        var report = new DemoRunner(console).Run(options);

        Assert.NotNull(report);
        string markdown = File.ReadAllText(Path.Combine(_dir, ReportWriter.FileName));
        Assert.Equal(800, report.TrainCount);
        Assert.Equal(200, report.TestCount);
        Assert.Equal(2, report.Classifiers.Count);
        foreach (var c in report.Classifiers)
        {
            Assert.InRange(c.MicroAccuracy, 0.1 + 1e-9, 1.0); // 10 classes: better than chance
            Assert.Contains(c.MicroAccuracy.ToString("F4", CultureInfo.InvariantCulture), markdown, StringComparison.Ordinal);
        }
        Assert.Equal(["VAE μ", "UMAP of VAE μ", "raw pixels"], report.Clusterings.Select(c => c.Features));
        var umapRow = report.Clusterings[1];
        Assert.Equal(options.Clusters, umapRow.FeatureCount); // one UMAP dimension per cluster
        Assert.True(umapRow.EmbedSeconds > 0);
        Assert.Contains($"UMAP ({options.UmapNeighbors} neighbours, minimum distance 0, {options.Clusters} dimensions, seed 0)", markdown, StringComparison.Ordinal);
        Assert.Equal(new UmapOptions { Neighbors = options.UmapNeighbors, Components = options.Clusters, MinDistance = 0, Seed = options.Seed }, umapRow.Umap);
        Assert.All(new[] { report.Clusterings[0], report.Clusterings[2] }, c => Assert.True(c.Umap is null && c.EmbedSeconds is null));
        foreach (var c in report.Clusterings)
        {
            Assert.Equal([0, 1, 2], c.KMeans.Seeds); // Seed 0 .. Seed + KMeansSeeds − 1
            Assert.Equal(3, c.KMeans.NmiPerSeed.Count);
            Assert.All(c.KMeans.NmiPerSeed, v => Assert.InRange(v, 0.0, 1.0));
            Assert.Equal(c.KMeans.NmiPerSeed.Average(), c.Nmi, 12);
            Assert.Equal(3, c.KMeans.ClassEntropyNmiPerSeed.Count);
            Assert.All(c.KMeans.ClassEntropyNmiPerSeed, v => Assert.InRange(v, 0.0, 1.0));
            string row = FormattableString.Invariant($"| {c.Nmi:F4} | {c.KMeans.MinNmi:F4} – {c.KMeans.MaxNmi:F4} | {c.KMeans.ClassEntropyNmi:F4} |");
            Assert.Contains(row, markdown, StringComparison.Ordinal);
        }
        Assert.Contains("KMeans runs with seeds 0, 1, 2,", markdown, StringComparison.Ordinal);
        Assert.Equal(["VAE reconstruction error", "VAE reconstruction divergence", "VAE combined (divergence + latent distance)", "VAE latent nearest neighbours", "RandomizedPca on raw pixels"],
            report.AnomalyDetectors.Select(a => a.Detector));
        foreach (var a in report.AnomalyDetectors)
        {
            Assert.InRange(a.Auroc, 0.0, 1.0);
            // ML.NET's AUROC and the ROC curve drawn from the same scores must agree.
            double area = 0;
            for (int i = 1; i < a.FalsePositiveRate.Count; i++)
                area += (a.FalsePositiveRate[i] - a.FalsePositiveRate[i - 1]) * (a.TruePositiveRate[i] + a.TruePositiveRate[i - 1]) / 2;
            Assert.Equal(a.Auroc, area, 3);
            Assert.Contains(a.Auroc.ToString("F4", CultureInfo.InvariantCulture), markdown, StringComparison.Ordinal);
        }
        Assert.True(double.IsFinite(report.Vae.TestNegativeElbo) && report.Vae.TestNegativeElbo > 0);
        Assert.Contains(";prior=mixture10", markdown, StringComparison.Ordinal);
        Assert.InRange(report.Vae.ActiveUnits, 0, 4);
        Assert.True(report.AnomalyTestCount > 0);

        foreach (var figure in new[] { "loss", "reconstructions", "samples", "interpolation", "latent", "roc", "heatmap" })
        {
            Assert.True(report.Figures.ContainsKey(figure), $"figure '{figure}' missing from the report");
            using (PngAssert.Valid(report.Figures[figure])) { }
            Assert.Contains($"]({Path.GetFileName(report.Figures[figure])})", markdown, StringComparison.Ordinal);
        }
        foreach (var model in new[] { "model/vae.onnx", "model/decoder.onnx", "anomaly-model/vae.onnx" })
            Assert.True(File.Exists(Path.Combine(_dir, model)), $"{model} missing");
        Assert.Contains("VAE demo summary", output.ToString(), StringComparison.Ordinal);
        // Every NMI in the summary is named by its normalisation, none as plain "NMI" (wide, so no row wraps).
        var summary = new StringWriter();
        var wide = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(summary), Ansi = AnsiSupport.No, Interactive = InteractionSupport.No });
        wide.Profile.Width = 240;
        wide.Write(ReportWriter.SummaryTable(report));
        foreach (var c in report.Clusterings)
        {
            Assert.Contains($"NMI (arithmetic mean), {c.Features} (mean of 3 KMeans)", summary.ToString(), StringComparison.Ordinal);
            Assert.Contains($"NMI (class entropy, ML.NET), {c.Features} (mean of 3 KMeans)", summary.ToString(), StringComparison.Ordinal);
        }
        Assert.DoesNotContain("NMI,", summary.ToString(), StringComparison.Ordinal);
    }
}
