using System.Reflection;
using Vae.Training;

namespace Vae.Notebooks.Tests;

/// <summary>
/// Executes every code cell of the notebooks, in order, against the locally built assemblies, on small
/// data; any cell error fails the test. Values the notebooks compute are then checked for sense.
/// </summary>
[Collection(NotebookRunsCollection.Name)]
public class NotebookTests(TrainedNotebookFixture trained) : IClassFixture<TrainedNotebookFixture>
{
    [Fact]
    public void NotebooksKeepNoOutputs()
    {
        // Outputs would go stale as the code changes; the notebooks are committed clean and run by these tests.
        var notebooks = System.IO.Directory.GetFiles(NotebookPaths.Directory(), "*.ipynb");
        Assert.Equal(3, notebooks.Length);
        foreach (string notebook in notebooks)
            Assert.All(NotebookFile.Read(notebook), cell => Assert.True(cell.OutputCount == 0, $"{Path.GetFileName(notebook)} cell {cell.Index} holds outputs"));
    }

    [Fact]
    public void TrainNotebookTrainsAndExports()
    {
        var v = trained.Runner.Variables;
        var result = (TrainResult)v["result"]!;
        Assert.Equal(2, result.History.Count);
        Assert.True(result.History[^1].TrainTotal < result.History[0].TrainTotal, "training loss did not fall");
        Assert.True(File.Exists(Path.Combine(trained.OutputDirectory, "vae.onnx")));
        Assert.True(File.Exists(Path.Combine(trained.OutputDirectory, "decoder.onnx")));
        foreach (string png in new[] { (string)v["lossPng"]!, (string)v["reconstructionsPng"]!, (string)v["samplesPng"]! })
            Assert.True(new FileInfo(png).Length > 1000, $"{png} is empty");
    }

    [Fact]
    public async Task FeaturesNotebookClassifiesAndClusters()
    {
        var runner = new NotebookRunner();
        await runner.RunAsync(NotebookPaths.Of("02-features-classify-cluster.ipynb"), $$"""
            string modelPath = @"{{Path.Combine(trained.OutputDirectory, "vae.onnx")}}";
            string? dataDirectory = null;
            int imageCount = 1_500;
            """, workingDirectory: trained.OutputDirectory);
        var v = runner.Variables;
        var onMu = ((double Accuracy, double Seconds))v["onMu"]!;
        Assert.InRange(onMu.Accuracy, 0.3, 1.0); // 10 classes: chance is 0.1
        Assert.InRange((double)v["nmiMu"]!, 0.05, 1.0);
        Assert.InRange((double)v["nmiUmap"]!, 0.05, 1.0);
        Assert.Equal(1_500, ((IReadOnlyList<float[]>)((Vae.MLNet.UmapEmbedding)v["embedding"]!).Points).Count); // every train and test row
        Assert.Equal((float[])v["mu"]!, (float[])v["muAfterLoad"]!);
    }

    [Fact]
    public async Task AnomalyNotebookScoresAndDrawsAHeatmap()
    {
        string output = System.IO.Directory.CreateTempSubdirectory("notebook03-").FullName;
        try
        {
            var runner = new NotebookRunner();
            await runner.RunAsync(NotebookPaths.Of("03-anomaly-detection.ipynb"), $$"""
                string? dataDirectory = null;
                int imageCount = 1_500;
                int epochs = 2;
                int anomalyClass = 1;
                string outputDirectory = @"{{output}}";
                """, workingDirectory: output);
            var v = runner.Variables;
            var table = (List<object>)v["table"]!;
            Assert.Equal(Enum.GetValues<Vae.MLNet.VaeAnomalyScoreKind>().Length + 1, table.Count);
            foreach (var row in table)
            {
                double auroc = (double)row.GetType().GetProperty("AUROC", BindingFlags.Public | BindingFlags.Instance)!.GetValue(row)!;
                Assert.InRange(auroc, 0.0, 1.0);
            }
            var map = (Vae.MLNet.ReconstructionErrorMap)v["map"]!;
            Assert.Equal(map.ModelError, map.Total, 0.01 * Math.Max(1, map.ModelError));
            Assert.True(new FileInfo(Path.Combine(output, "heatmap.png")).Length > 500);
        }
        finally { System.IO.Directory.Delete(output, recursive: true); }
    }
}
