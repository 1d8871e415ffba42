using Vae.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Cli.Demo;

namespace Vae.Training.Tests.Demo;

public class UmapKMeansTests
{
    private static readonly UmapOptions Small = new() { Neighbors = 10, Components = 2, MinDistance = 0, Epochs = 200, Seed = 1 };

    [Fact]
    public void KMeans_on_the_embedding_finds_blobs_of_unequal_spread_that_KMeans_on_the_coordinates_mixes()
    {
        var (trainPoints, trainLabels) = UnequalBlobs(150, seed: 1);
        var (testPoints, testLabels) = UnequalBlobs(50, seed: 2);
        var train = View(trainPoints, trainLabels);
        var test = View(testPoints, testLabels);

        var plain = SeededKMeans.Fit(train, test, "Features", "Label", [1, 2, 3], clusters: 3);
        var manifold = UmapKMeans.Fit(train, test, "Features", "Label", [1, 2, 3], clusters: 3, Small);

        // Measured: 0.587 on the coordinates, 0.949 on the embedding (a few of the wide blob's outliers go astray).
        Assert.InRange(plain.MaxNmi, 0.0, 0.7);
        Assert.InRange(manifold.KMeans.MinNmi, 0.9, 1.0);
        Assert.Equal(Small, manifold.Settings);
        Assert.True(manifold.UmapSeconds > 0);
        Assert.InRange(manifold.NeighborSearchSeconds, 0, manifold.UmapSeconds); // the search is part of the embedding time
    }

    [Fact]
    public void A_column_that_is_missing_or_not_a_known_size_vector_is_named()
    {
        var (points, labels) = UnequalBlobs(10, seed: 3);
        var view = View(points, labels);
        var missing = Assert.Throws<ArgumentException>(() => UmapKMeans.Fit(view, view, "Mu", "Label", [1], 2, Small));
        Assert.Contains("the train data has no column 'Mu'", missing.Message);
        var scalar = Assert.Throws<ArgumentException>(() => UmapKMeans.Fit(view, view, "Label", "Label", [1], 2, Small));
        Assert.Contains("column 'Label' of the train data is Int32; expected a known-size vector of Single", scalar.Message);
    }

    /// <summary>
    /// Three Gaussian blobs in the plane, labels 0–2: a wide one (σ = 4) at the origin and two tight ones (σ = 0.3)
    /// 2 apart at x = 13. KMeans on the coordinates splits the wide blob and merges the tight pair; UMAP gives every
    /// point the same amount of neighbourhood, so the three come out alike.
    /// </summary>
    private static (float[][] Points, int[] Labels) UnequalBlobs(int perBlob, int seed)
    {
        var random = new Random(seed);
        var points = new List<float[]>();
        var labels = new List<int>();
        foreach (var (x, y, sigma, label) in new[] { (0.0, 0.0, 4.0, 0), (13.0, -1.0, 0.3, 1), (13.0, 1.0, 0.3, 2) })
            for (int i = 0; i < perBlob; i++)
            {
                points.Add([(float)(x + sigma * SeededKMeansTests.Normal(random)), (float)(y + sigma * SeededKMeansTests.Normal(random))]);
                labels.Add(label);
            }
        return (points.ToArray(), labels.ToArray());
    }

    private sealed class Row
    {
        [VectorType(2)] public float[] Features { get; set; } = [];
        public int Label { get; set; }
    }

    private static IDataView View(float[][] points, int[] labels) =>
        new MLContext(0).Data.LoadFromEnumerable(points.Select((p, i) => new Row { Features = p, Label = labels[i] }).ToList());
}
