namespace Vae.MLNet.Tests.Clustering;

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
}
