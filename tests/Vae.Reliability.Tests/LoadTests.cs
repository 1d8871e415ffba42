using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.MLNet.Anomaly;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>
/// Load: 8 threads each with its own PredictionEngine over one shared transformer, and parallel cursors,
/// give exactly the serial results; memory does not grow over repeated rounds. CI runs 8 × 500
/// predictions per round; <c>VAE_LOAD_PREDICTIONS=10000</c> runs the full size.
/// </summary>
[Trait("Category", "Load")]
[Collection(MeasuredCollection.Name)]
public sealed class LoadTests : IDisposable
{
    private const int Threads = 8;
    private const int Rounds = 5;
    private static readonly PredictionEngineOptions Shared = new() { OwnsTransformer = false };
    private readonly ITestOutputHelper _output;
    private readonly MLContext _ml = new(seed: 1);
    private readonly VaeModel _model = VaeModel.Load(Data.ContractVae);

    public LoadTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _model.Dispose();

    private static int PredictionsPerThread =>
        int.TryParse(Environment.GetEnvironmentVariable("VAE_LOAD_PREDICTIONS"), out int n) && n > 0 ? n : 500;

    private sealed class IndexedRow
    {
        [VectorType(784)]
        public float[] Image { get; set; } = [];
        public int Index { get; set; }
    }

    private sealed class Features
    {
        public float[] Mu { get; set; } = [];
        public float[] Sigma { get; set; } = [];
        public float Error { get; set; }
    }

    private sealed class Scored
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    private static float[] Flatten(Features f) => [.. f.Mu, .. f.Sigma, f.Error];
    private static float[] Flatten(Scored s) => [s.Score, s.PredictedLabel ? 1 : 0];

    /// <summary>
    /// Rounds of <see cref="Threads"/> threads × n predictions (thread t predicts rows t·n … t·n + n − 1, mod
    /// 10 000), each thread with its own engine; every prediction must equal the serial one bit for bit.
    /// Returns the per-round memory figures.
    /// </summary>
    private void Hammer<TOut>(string what, ITransformer transformer, Func<TOut, float[]> flatten) where TOut : class, new()
    {
        int n = PredictionsPerThread;
        int distinct = Math.Min(10_000, Threads * n);
        var inputs = Enumerable.Range(0, distinct).Select(i => new IndexedRow { Image = Data.Image(i), Index = i }).ToArray();

        // Serial reference: one engine, one thread.
        var expected = new float[distinct][];
        using (var engine = _ml.Model.CreatePredictionEngine<IndexedRow, TOut>(transformer, Shared))
            for (int i = 0; i < distinct; i++) expected[i] = flatten(engine.Predict(inputs[i]));

        var managed = new List<long>();
        var workingSet = new List<long>();
        var clock = Stopwatch.StartNew();
        for (int round = 0; round < Rounds; round++)
        {
            var mismatches = new int[Threads];
            var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
            {
                using var engine = _ml.Model.CreatePredictionEngine<IndexedRow, TOut>(transformer, Shared);
                var output = new TOut();
                for (int j = 0; j < n; j++)
                {
                    int row = (t * n + j) % distinct;
                    engine.Predict(inputs[row], ref output);
                    if (!flatten(output).AsSpan().SequenceEqual(expected[row])) mismatches[t]++;
                }
            })).ToList();
            workers.ForEach(w => w.Start());
            workers.ForEach(w => w.Join());
            Assert.True(mismatches.Sum() == 0, $"{what}, round {round + 1}: {mismatches.Sum()} of {Threads * n} parallel predictions differ from serial");
            managed.Add(GC.GetTotalMemory(forceFullCollection: true));
            using var self = Process.GetCurrentProcess();
            workingSet.Add(self.WorkingSet64);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        _output.WriteLine($"{what}: {Rounds} rounds × {Threads} threads × {n} predictions = {Rounds * Threads * n} in {seconds:F1} s " +
            $"({Rounds * Threads * n / seconds:F0}/s), all equal to serial");
        _output.WriteLine($"  managed heap after each round (MB): {string.Join(", ", managed.Select(m => (m / 1048576.0).ToString("F1")))}");
        _output.WriteLine($"  working set after each round (MB): {string.Join(", ", workingSet.Select(m => (m / 1048576.0).ToString("F1")))}");
        // Round 1 warms up (engines, ORT arenas); after it, no growth beyond noise.
        double managedGrowth = (managed[^1] - managed[1]) / 1048576.0, workingGrowth = (workingSet[^1] - workingSet[1]) / 1048576.0;
        Assert.True(managedGrowth < 16, $"{what}: managed heap grew {managedGrowth:F1} MB from round 2 to {Rounds}");
        Assert.True(workingGrowth < 64, $"{what}: working set grew {workingGrowth:F1} MB from round 2 to {Rounds}");
    }

    [Fact]
    public void Featurizer_prediction_engines_on_8_threads_match_serial_and_memory_is_stable()
    {
        var options = new VaeFeaturizerOptions { InputColumnName = "Image", MuColumnName = "Mu", SigmaColumnName = "Sigma", ReconstructionErrorColumnName = "Error" };
        using var transformer = _ml.Transforms.VaeFeaturize(options, _model).Fit(Data.Pixels(_ml, 0, 16));
        Hammer<Features>("featurizer", transformer, Flatten);
    }

    [Fact]
    public void Anomaly_prediction_engines_on_8_threads_match_serial_and_memory_is_stable()
    {
        var options = new VaeAnomalyDetectorOptions { InputColumnName = "Image", ScoreKind = VaeAnomalyScoreKind.Combined, Contamination = 0.1 };
        using var detector = _ml.AnomalyDetection.Trainers.Vae(options, _model).Fit(Data.Pixels(_ml, 0, 300));
        Hammer<Scored>("anomaly detector (Combined)", detector, Flatten);
    }

    [Fact]
    public void Parallel_cursors_give_the_serial_values()
    {
        var rows = Enumerable.Range(0, 1000).Select(i => new IndexedRow { Image = Data.Image(i), Index = i }).ToList();
        var view = _ml.Data.LoadFromEnumerable(rows);
        var options = new VaeFeaturizerOptions { InputColumnName = "Image", MuColumnName = "Mu", SigmaColumnName = "Sigma", ReconstructionErrorColumnName = "Error", BatchSize = 64 };
        using var transformer = _ml.Transforms.VaeFeaturize(options, _model).Fit(view);
        var output = transformer.Transform(view);
        var serial = ColumnValues.ReadAll(output, ["Index", "Mu", "Sigma", "Error"]);

        var columns = output.Schema.Where(c => c.Name is "Index" or "Mu" or "Sigma" or "Error").ToList();
        var cursors = output.GetRowCursorSet(columns, 4);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, float[]>();
        Parallel.ForEach(cursors, cursor =>
        {
            using (cursor)
            {
                var index = cursor.GetGetter<int>(output.Schema["Index"]);
                var mu = cursor.GetGetter<VBuffer<float>>(output.Schema["Mu"]);
                var sigma = cursor.GetGetter<VBuffer<float>>(output.Schema["Sigma"]);
                var error = cursor.GetGetter<float>(output.Schema["Error"]);
                int i = 0;
                VBuffer<float> m = default, s = default;
                float e = 0;
                while (cursor.MoveNext())
                {
                    index(ref i); mu(ref m); sigma(ref s); error(ref e);
                    Assert.True(seen.TryAdd(i, [.. m.DenseValues(), .. s.DenseValues(), e]), $"row {i} seen twice");
                }
            }
        });
        Assert.Equal(rows.Count, seen.Count);
        int k = _model.LatentDim;
        for (int i = 0; i < rows.Count; i++)
        {
            var expected = serial["Mu"].Skip(i * k).Take(k).Concat(serial["Sigma"].Skip(i * k).Take(k)).Append(serial["Error"][i]).Select(v => (float)v);
            Assert.True(expected.SequenceEqual(seen[i]), $"row {i}: parallel cursor values differ from serial");
        }
        _output.WriteLine($"{cursors.Length} parallel cursors over {rows.Count} rows: every row once, values equal to the serial cursor");
    }
}
