using Microsoft.ML;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>
/// One PredictionEngine shared by threads is wrong by ML.NET's contract (it reuses one row and one output); the
/// safe pattern the library offers is <see cref="VaePredictionEnginePool{TSrc, TDst}"/>. 16 threads hammering one
/// pool over one featurizer and one detector must give exactly the single-thread values, row by row.
/// </summary>
public sealed class ThreadSafetyTests
{
    private const int Distinct = 64, Threads = 16, CallsPerThread = 400;

    private sealed class Features
    {
        public float[] Mu { get; set; } = [];
        public float Kl { get; set; }
    }

    private sealed class Flag
    {
        public float Score { get; set; }
        public bool PredictedLabel { get; set; }
    }

    /// <summary>Runs <paramref name="predict"/> on 16 threads over the rows in a scrambled order per thread; returns (row, result) pairs.</summary>
    private static List<(int Row, T Result)> Hammer<T>(Func<PixelRow, T> predict, PixelRow[] rows)
    {
        var results = new List<(int, T)>[Threads];
        using var start = new Barrier(Threads);
        var threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            var mine = new List<(int, T)>(CallsPerThread);
            start.SignalAndWait();
            for (int n = 0; n < CallsPerThread; n++)
            {
                int row = (n * 7 + t * 13) % rows.Length;
                mine.Add((row, predict(rows[row])));
            }
            results[t] = mine;
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results.SelectMany(r => r).ToList();
    }

    private static PixelRow[] Rows() => Enumerable.Range(2000, Distinct).Select(i => new PixelRow { Image = Data.Image(i) }).ToArray();

    [Fact]
    public void A_pool_of_prediction_engines_on_16_threads_gives_the_single_thread_features()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        using var model = VaeModel.Load(Data.ContractVae);
        using var featurizer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", KlColumnName = "Kl" }, model)
            .Fit(ml.Data.LoadFromEnumerable(rows));
        Features[] serial;
        using (var engine = ml.Model.CreatePredictionEngine<PixelRow, Features>(featurizer, new PredictionEngineOptions { OwnsTransformer = false }))
            serial = rows.Select(engine.Predict).ToArray();
        Assert.Equal(Distinct, serial.Select(f => string.Join(',', f.Mu)).Distinct().Count()); // distinct images, distinct μ: a mix-up shows

        using var pool = new VaePredictionEnginePool<PixelRow, Features>(ml, featurizer, maxRetained: 4);
        var results = Hammer(pool.Predict, rows);
        Assert.Equal(Threads * CallsPerThread, results.Count);
        int wrong = results.Count(r => !r.Result.Mu.SequenceEqual(serial[r.Row].Mu) || r.Result.Kl != serial[r.Row].Kl);
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void A_pool_over_the_detector_on_16_threads_gives_the_single_thread_scores()
    {
        var ml = new MLContext(seed: 1);
        var rows = Rows();
        using var model = VaeModel.Load(Data.ContractVae);
        using var detector = ml.AnomalyDetection.Trainers.Vae(new VaeAnomalyDetectorOptions
        {
            InputColumnName = "Image", ScoreKind = VaeAnomalyScoreKind.Combined,
        }, model).Fit(ml.Data.LoadFromEnumerable(rows));
        Flag[] serial;
        using (var engine = ml.Model.CreatePredictionEngine<PixelRow, Flag>(detector, new PredictionEngineOptions { OwnsTransformer = false }))
            serial = rows.Select(engine.Predict).ToArray();

        using var pool = new VaePredictionEnginePool<PixelRow, Flag>(ml, detector);
        var results = Hammer(pool.Predict, rows);
        int wrong = results.Count(r => r.Result.Score != serial[r.Row].Score || r.Result.PredictedLabel != serial[r.Row].PredictedLabel);
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Pool_arguments_are_checked_and_a_disposed_pool_refuses()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(Data.ContractVae);
        using var featurizer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", KlColumnName = "Kl" }, model).Fit(Data.Pixels(ml, 0, 4));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new VaePredictionEnginePool<PixelRow, Features>(ml, featurizer, 0));
        Assert.Contains("maxRetained", e.Message, StringComparison.Ordinal);
        var pool = new VaePredictionEnginePool<PixelRow, Features>(ml, featurizer);
        var rented = pool.Rent();
        pool.Dispose();
        pool.Return(rented); // disposed, not kept
        Assert.Throws<ObjectDisposedException>(() => pool.Predict(new PixelRow { Image = Data.Image(0) }));
        // The transformer is not the pool's: it still works.
        Assert.Equal(8, ml.Data.CreateEnumerable<Features>(featurizer.Transform(Data.Pixels(ml, 0, 2)), false).First().Mu.Length);
    }
}
