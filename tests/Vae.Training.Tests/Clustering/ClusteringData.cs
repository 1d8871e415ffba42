namespace Vae.Training.Tests.Clustering;

/// <summary>Small synthetic point sets for the UMAP tests.</summary>
internal static class ClusteringData
{
    public static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary><paramref name="count"/> points of <paramref name="dimensions"/> standard normal values.</summary>
    public static float[][] Gaussian(int count, int dimensions, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, dimensions).Select(_ => (float)Normal(random)).ToArray()).ToArray();
    }

    /// <summary>
    /// Three Gaussian blobs in the plane, labels 0–2: a wide one (σ = 4) at the origin and two tight ones (σ = 0.3)
    /// 2 apart at x = 13. KMeans on the coordinates splits the wide blob and merges the tight pair; UMAP gives every
    /// point the same amount of neighbourhood, so the three come out alike.
    /// </summary>
    public static (float[][] Points, int[] Labels) UnequalBlobs(int perBlob, int seed)
    {
        var random = new Random(seed);
        var points = new List<float[]>();
        var labels = new List<int>();
        foreach (var (x, y, sigma, label) in new[] { (0.0, 0.0, 4.0, 0), (13.0, -1.0, 0.3, 1), (13.0, 1.0, 0.3, 2) })
            for (int i = 0; i < perBlob; i++)
            {
                points.Add([(float)(x + sigma * Normal(random)), (float)(y + sigma * Normal(random))]);
                labels.Add(label);
            }
        return (points.ToArray(), labels.ToArray());
    }
}
