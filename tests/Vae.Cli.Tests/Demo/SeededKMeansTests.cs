using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class SeededKMeansTests
{
    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    // Three Gaussian blobs; `spread` sets how much they overlap.
    private static IDataView Blobs(int perClass, double spread, int seed)
    {
        var random = new Random(seed);
        double[][] centres = [[0, 0], [10, 0], [0, 10]];
        var rows = new List<Row>();
        for (int c = 0; c < centres.Length; c++)
            for (int i = 0; i < perClass; i++)
                rows.Add(new Row
                {
                    Features = [(float)(centres[c][0] + spread * Normal(random)), (float)(centres[c][1] + spread * Normal(random))],
                    Label = c,
                });
        return new MLContext(0).Data.LoadFromEnumerable(rows);
    }

    internal static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    [Fact]
    public void Separated_blobs_are_found_by_every_seed()
    {
        var result = SeededKMeans.Fit(Blobs(100, 0.5, 1), Blobs(50, 0.5, 2), "Features", "Label", [1, 2, 3], clusters: 3);
        Assert.Equal([1, 2, 3], result.Seeds);
        Assert.All(result.NmiPerSeed, v => Assert.Equal(1.0, v, 9));
        Assert.Equal(1.0, result.Nmi, 9);
    }

    [Fact]
    public void Mean_min_and_max_summarise_the_per_seed_values_and_a_seed_repeats_itself()
    {
        // Overlapping blobs and k = 6: initialisations matter, so the seeds can disagree.
        var train = Blobs(200, 4, 3);
        var test = Blobs(100, 4, 4);
        var result = SeededKMeans.Fit(train, test, "Features", "Label", [1, 2, 3, 4, 5], clusters: 6);
        Assert.Equal(5, result.NmiPerSeed.Count);
        Assert.Equal(result.NmiPerSeed.Average(), result.Nmi, 12);
        Assert.Equal(result.NmiPerSeed.Min(), result.MinNmi);
        Assert.Equal(result.NmiPerSeed.Max(), result.MaxNmi);
        Assert.InRange(result.MinNmi, 0.05, 1.0); // blobs still carry the labels
        Assert.True(result.TrainSeconds > 0);

        // Each fit has its own MLContext(seed): the same seed gives the same NMI whatever ran before it.
        var again = SeededKMeans.Fit(train, test, "Features", "Label", [4], clusters: 6);
        Assert.Equal(result.NmiPerSeed[3], again.NmiPerSeed[0], 12);
    }

    [Fact]
    public void ML_NET_NMI_is_the_mutual_information_over_the_class_entropy_of_the_same_clusters()
    {
        var train = Blobs(200, 4, 3);
        var test = Blobs(100, 4, 4);
        var result = SeededKMeans.Fit(train, test, "Features", "Label", [1, 2], clusters: 6);
        var truth = test.GetColumn<int>("Label").ToArray();
        for (int s = 0; s < result.Seeds.Count; s++)
        {
            // The same fit by hand (MLContext(seed) makes it the same clusters), then I / H(classes).
            var ml = new MLContext(result.Seeds[s]);
            var predicted = ml.Clustering.Trainers.KMeans("Features", numberOfClusters: 6).Fit(train).Transform(test)
                .GetColumn<uint>("PredictedLabel").Select(c => (int)c).ToArray();
            double n = truth.Length, mutual = 0;
            foreach (var cell in truth.Zip(predicted).GroupBy(p => p))
            {
                double joint = cell.Count(), classes = truth.Count(t => t == cell.Key.First), clusters = predicted.Count(c => c == cell.Key.Second);
                mutual += joint / n * Math.Log(joint * n / (classes * clusters));
            }
            double classEntropy = -truth.GroupBy(t => t).Sum(g => g.Count() / n * Math.Log(g.Count() / n));
            Assert.Equal(mutual / classEntropy, result.ClassEntropyNmiPerSeed[s], 9);
            Assert.Equal(NormalizedMutualInformation.Compute(truth, predicted), result.NmiPerSeed[s], 12);
        }
        Assert.Equal(result.ClassEntropyNmiPerSeed.Average(), result.ClassEntropyNmi, 12);
        // k = 6 > 3 classes: the clusters' entropy exceeds the classes', so dividing by H(classes) alone gives more.
        Assert.True(result.ClassEntropyNmi > result.Nmi);
    }

    [Fact]
    public void No_seeds_is_refused()
    {
        var data = Blobs(10, 0.5, 1);
        var e = Assert.Throws<ArgumentException>(() => SeededKMeans.Fit(data, data, "Features", "Label", [], clusters: 3));
        Assert.Contains("seed", e.Message, StringComparison.OrdinalIgnoreCase);
    }
}
