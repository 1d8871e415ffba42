using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
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

    /// <summary>Reads <paramref name="columns"/> (Single scalars or vectors) keyed by the Index column with <paramref name="n"/> parallel cursors.</summary>
    private static (int Cursors, Dictionary<int, float[]> Rows) ReadParallel(IDataView view, string[] columns, int n)
    {
        var active = view.Schema.Where(c => c.Name == "Index" || columns.Contains(c.Name)).ToList();
        var cursors = view.GetRowCursorSet(active, n);
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<int, float[]>();
        Parallel.ForEach(cursors, cursor =>
        {
            using (cursor)
            {
                var index = cursor.GetGetter<int>(view.Schema["Index"]);
                var getters = columns.Select<string, Func<float[]>>(name =>
                {
                    var column = view.Schema[name];
                    if (column.Type is VectorDataViewType)
                    {
                        var get = cursor.GetGetter<VBuffer<float>>(column);
                        VBuffer<float> buffer = default;
                        return () => { get(ref buffer); return buffer.DenseValues().ToArray(); };
                    }
                    if (column.Type is BooleanDataViewType)
                    {
                        var get = cursor.GetGetter<bool>(column);
                        bool value = false;
                        return () => { get(ref value); return [value ? 1f : 0f]; };
                    }
                    var scalar = cursor.GetGetter<float>(column);
                    float v = 0;
                    return () => { scalar(ref v); return [v]; };
                }).ToList();
                int i = 0;
                while (cursor.MoveNext())
                {
                    index(ref i);
                    Assert.True(seen.TryAdd(i, getters.SelectMany(g => g()).ToArray()), $"row {i} seen twice");
                }
            }
        });
        return (cursors.Length, new Dictionary<int, float[]>(seen));
    }

    private void AssertParallelEqualsSerial(string what, IDataView view, string[] columns, int rows)
    {
        var (_, serial) = ReadParallel(view, columns, 1);
        var (cursors, parallel) = ReadParallel(view, columns, 4);
        Assert.Equal(rows, serial.Count);
        Assert.Equal(rows, parallel.Count);
        for (int i = 0; i < rows; i++)
            Assert.True(serial[i].AsSpan().SequenceEqual(parallel[i]), $"{what}, row {i}: parallel cursor values differ from serial");
        _output.WriteLine($"{what}: GetRowCursorSet(4) gave {cursors} cursor(s) over {rows} rows: every row once, values equal to one serial cursor");
    }

    [Fact]
    public void Parallel_cursors_give_the_serial_values()
    {
        var rows = Enumerable.Range(0, 1000).Select(i => new IndexedRow { Image = Data.Image(i), Index = i }).ToList();
        var view = _ml.Data.LoadFromEnumerable(rows);
        var options = new VaeFeaturizerOptions { InputColumnName = "Image", MuColumnName = "Mu", SigmaColumnName = "Sigma", ReconstructionErrorColumnName = "Error", BatchSize = 64 };
        using var transformer = _ml.Transforms.VaeFeaturize(options, _model).Fit(view);
        AssertParallelEqualsSerial("featurizer", transformer.Transform(view), ["Mu", "Sigma", "Error"], rows.Count);
        // Inside an ML.NET chain (a Concatenate after the featurizer) ML.NET splits the featurizer's cursor itself.
        var chained = _ml.Transforms.Concatenate("Features", "Mu", "Sigma").Fit(transformer.Transform(view)).Transform(transformer.Transform(view));
        AssertParallelEqualsSerial("featurizer + Concatenate", chained, ["Features", "Error"], rows.Count);

        var detectorOptions = new VaeAnomalyDetectorOptions { InputColumnName = "Image", ScoreKind = VaeAnomalyScoreKind.Combined, Contamination = 0.1, BatchSize = 64 };
        using var detector = _ml.AnomalyDetection.Trainers.Vae(detectorOptions, _model).Fit(view);
        AssertParallelEqualsSerial("anomaly detector", detector.Transform(view), ["Score", "PredictedLabel"], rows.Count);
    }
}
