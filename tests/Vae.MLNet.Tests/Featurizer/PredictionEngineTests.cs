using Microsoft.ML;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class PredictionEngineTests
{
    private sealed class Features
    {
        public float[] Mu { get; set; } = [];
        public float[] Sigma { get; set; } = [];
        public float Kl { get; set; }
        public float[] Z { get; set; } = [];
    }

    // A PredictionEngine disposes its transformer unless told otherwise; these tests share one.
    private static readonly PredictionEngineOptions Shared = new() { OwnsTransformer = false };

    private static VaeFeaturizerOptions Options() => new()
    {
        InputColumnName = "Pixels",
        KlColumnName = "Kl",
        SampledLatentColumnName = "Z",
    };

    [Fact]
    public void Prediction_engine_gives_the_transform_values()
    {
        var ml = new MLContext(seed: 1);
        const int start = 8200, count = 50;
        var data = Rows.Pixels(ml, start, count);
        using var model = VaeModel.Load(TestData.ContractVae);
        using var transformer = ml.Transforms.VaeFeaturize(Options(), model).Fit(data);
        var batched = Rows.Read<Features>(ml, transformer.Transform(data));
        using var engine = ml.Model.CreatePredictionEngine<PixelRow, Features>(transformer, Shared);
        for (int r = 0; r < count; r++)
        {
            var single = engine.Predict(new PixelRow { Pixels = TestData.Images(start + r, 1)[0] });
            DirectOrt.AssertClose(batched[r].Mu, single.Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(batched[r].Sigma, single.Sigma, 1e-5, $"sigma row {r}");
            DirectOrt.AssertClose([batched[r].Kl], [single.Kl], 1e-5, $"kl row {r}");
            DirectOrt.AssertClose(batched[r].Z, single.Z, 1e-5, $"z row {r}");
        }
    }

    [Fact]
    public void Eight_threads_of_prediction_engines_match_serial_results()
    {
        var ml = new MLContext(seed: 1);
        const int start = 8300, distinct = 200, threads = 8, callsPerThread = 2000;
        var data = Rows.Pixels(ml, start, distinct);
        using var model = VaeModel.Load(TestData.ContractVae);
        using var transformer = ml.Transforms.VaeFeaturize(Options(), model).Fit(data);
        var images = TestData.Images(start, distinct);
        Features[] serial;
        using (var engine = ml.Model.CreatePredictionEngine<PixelRow, Features>(transformer, Shared))
            serial = images.Select(p => engine.Predict(new PixelRow { Pixels = p })).ToArray();
        var batched = Rows.Read<Features>(ml, transformer.Transform(data));
        for (int r = 0; r < distinct; r++)
            DirectOrt.AssertClose(batched[r].Mu, serial[r].Mu, 1e-5, $"transform vs engine mu row {r}");

        var mismatches = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
        {
            using var engine = ml.Model.CreatePredictionEngine<PixelRow, Features>(transformer, Shared);
            for (int call = 0; call < callsPerThread; call++)
            {
                int r = (call * 7 + t * 13) % distinct;
                var result = engine.Predict(new PixelRow { Pixels = images[r] });
                if (!result.Mu.SequenceEqual(serial[r].Mu) || !result.Sigma.SequenceEqual(serial[r].Sigma)
                    || result.Kl != serial[r].Kl || !result.Z.SequenceEqual(serial[r].Z))
                    mismatches.Add($"thread {t} call {call} row {r}");
            }
        });
        Assert.Empty(mismatches);
    }

    [Fact]
    public void Sampled_latent_is_reproducible_and_distributed_as_mu_plus_sigma_times_normal_noise()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 500);
        using var model = VaeModel.Load(TestData.ContractVae);
        using var transformer = ml.Transforms.VaeFeaturize(Options(), model).Fit(data);
        var first = Rows.Read<Features>(ml, transformer.Transform(data));
        var second = Rows.Read<Features>(ml, transformer.Transform(data));
        Assert.All(Enumerable.Range(0, first.Count), r => Assert.Equal(first[r].Z, second[r].Z));

        var eps = first.SelectMany(f => f.Z.Select((z, j) => (double)(z - f.Mu[j]) / f.Sigma[j])).ToArray();
        double mean = eps.Average(), sd = Math.Sqrt(eps.Select(e => (e - mean) * (e - mean)).Average());
        Assert.InRange(mean, -0.05, 0.05); // 4000 draws: standard error 0.016
        Assert.InRange(sd, 0.95, 1.05);

        var other = new VaeFeaturizerOptions { InputColumnName = "Pixels", SampledLatentColumnName = "Z", KlColumnName = "Kl", Seed = 7 };
        using var reseeded = ml.Transforms.VaeFeaturize(other, model).Fit(data);
        var third = Rows.Read<Features>(ml, reseeded.Transform(data));
        Assert.NotEqual(first[0].Z, third[0].Z);
    }
}
