using Vae.MLNet;
using Microsoft.ML;

namespace Vae.Cli.Demo;

/// <summary>Step 4: ML.NET KMeans on μ, on UMAP of μ and on raw pixels, scored by NMI of the test clusters against the classes.</summary>
internal static class ClusteringStep
{
    public static ClusteringResult Run(IDataView train, IDataView test, string featureColumn, string description, DemoOptions options) =>
        new(description, ClassificationStep.FeatureCount(train, featureColumn),
            SeededKMeans.Fit(train, test, featureColumn, DemoDataView.Label, KMeansSeeds(options), options.Clusters));

    /// <summary>KMeans on a UMAP embedding with one dimension per cluster and minimum distance 0, as N2D clusters.</summary>
    public static ClusteringResult RunOnUmap(IDataView train, IDataView test, string featureColumn, string description, DemoOptions options)
    {
        var umap = UmapOptions.ForClustering(options.Clusters, options.UmapNeighbors) with { Seed = options.Seed };
        var result = UmapKMeans.Fit(train, test, featureColumn, DemoDataView.Label, KMeansSeeds(options), options.Clusters, umap);
        return new(description, umap.Components, result.KMeans, result.Settings, result.UmapSeconds);
    }

    // The same initialisations for μ and raw pixels; --seed moves them with everything else.
    private static int[] KMeansSeeds(DemoOptions options) => Enumerable.Range(options.Seed, options.KMeansSeeds).ToArray();
}
