using Microsoft.ML;
using Vae.Benchmarks.OneClass;
using Vae.MLNet.Tests.Support;

namespace Vae.Benchmarks.Tests.OneClass;

public sealed class OneClassBenchmarkTests
{
    [Fact]
    public void Benchmark_table_holds_the_auroc_of_each_class_against_the_rest_for_every_method()
    {
        const int trainCount = 800, testStart = 8000, testCount = 300;
        var data = new OneClassBenchmarkData(
            TestData.Images(0, trainCount), TestData.Labels(0, trainCount).Select(l => (int)l).ToList(),
            TestData.Images(testStart, testCount), TestData.Labels(testStart, testCount).Select(l => (int)l).ToList(), 1, 28, 28);
        var calls = new List<(int Class, int Count)>();
        // A fake trainer: the PyTorch fixture VAE stands in for the per-class VAE.
        string Trainer(int c, IReadOnlyList<float[]> images)
        {
            calls.Add((c, images.Count));
            return TestData.ContractVae;
        }

        var benchmark = new OneClassBenchmark(new MLContext(seed: 1), data) { PcaRank = 5 };
        var result = benchmark.Run(Trainer, classes: [0, 1]);

        Assert.Equal([0, 1], result.Classes);
        Assert.Equal(["ReconstructionError", "ReconstructionDivergence", "NegativeElbo", "Mahalanobis", "Combined", "NearestNeighbors", OneClassBenchmark.PcaMethod], result.Methods);
        Assert.Equal(
            new[] { 0, 1 }.Select(c => (c, TestData.Labels(0, trainCount).Count(l => l == c))),
            calls);

        // Independent check of one column: the error scores straight from ONNX Runtime, AUROC by pair counting.
        var errors = DirectOrt.Run(TestData.ContractVae, "image", TestData.Images(testStart, testCount), [1, 28, 28])["reconstruction_error"]
            .Select(e => e[0]).ToArray();
        var labels = TestData.Labels(testStart, testCount);
        foreach (int c in result.Classes)
        {
            double wins = 0, pairs = 0;
            for (int a = 0; a < testCount; a++)
                for (int n = 0; n < testCount; n++)
                    if (labels[a] != c && labels[n] == c)
                    {
                        pairs++;
                        wins += errors[a] > errors[n] ? 1 : errors[a] == errors[n] ? 0.5 : 0;
                    }
            Assert.Equal(wins / pairs, result.Auroc("ReconstructionError", c), 4);
            foreach (var method in result.Methods)
                Assert.InRange(result.Auroc(method, c), 0.0, 1.0);
        }
        foreach (var method in result.Methods)
            Assert.Equal(result.Classes.Average(c => result.Auroc(method, c)), result.Mean(method), 12);
        // Trousers (1) are easy even for PCA on pixels; the table must not be constant.
        Assert.True(result.Auroc(OneClassBenchmark.PcaMethod, 1) > 0.7);
        Assert.NotEqual(result.Auroc("Mahalanobis", 0), result.Auroc("Mahalanobis", 1));

        string table = result.ToMarkdown();
        Assert.Contains("| method | 0 | 1 | mean |", table, StringComparison.Ordinal);
        Assert.Equal(2 + result.Methods.Count, table.Trim().Split('\n').Length);
    }

    [Fact]
    public void Benchmark_rejects_a_class_missing_from_the_data()
    {
        var data = new OneClassBenchmarkData(TestData.Images(0, 50), TestData.Labels(0, 50).Select(l => (int)l).ToList(),
            TestData.Images(100, 50), TestData.Labels(100, 50).Select(l => (int)l).ToList(), 1, 28, 28);
        var benchmark = new OneClassBenchmark(new MLContext(seed: 1), data);
        Assert.Throws<ArgumentException>(() => benchmark.Run((_, _) => TestData.ContractVae, classes: [42]));
        Assert.Throws<ArgumentException>(() => new OneClassBenchmarkData([new float[10]], [0], [new float[784]], [0], 1, 28, 28));
    }
}
