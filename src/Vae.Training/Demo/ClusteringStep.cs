using Microsoft.ML;

namespace Vae.Training.Demo;

/// <summary>Step 4: ML.NET KMeans on μ and on raw pixels, scored by NMI of the test clusters against the classes.</summary>
internal static class ClusteringStep
{
    public static ClusteringResult Run(IDataView train, IDataView test, string featureColumn, string description, DemoOptions options) =>
        new(description, ClassificationStep.FeatureCount(train, featureColumn),
            SeededKMeans.Fit(train, test, featureColumn, DemoDataView.Label, KMeansSeeds(options), options.Clusters));

    // The same initialisations for μ and raw pixels; --seed moves them with everything else.
    private static int[] KMeansSeeds(DemoOptions options) => Enumerable.Range(options.Seed, options.KMeansSeeds).ToArray();
}
