using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Training.Demo;

/// <summary>Step 4: ML.NET KMeans on μ and on raw pixels, scored by NMI of the test clusters against the classes.</summary>
internal static class ClusteringStep
{
    public static ClusteringResult Run(MLContext ml, IDataView train, IDataView test, string featureColumn, string description, int clusters)
    {
        var trainer = ml.Clustering.Trainers.KMeans(featureColumn, numberOfClusters: clusters);
        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var scored = model.Transform(test);
        var predicted = scored.GetColumn<uint>("PredictedLabel").Select(c => (int)c).ToArray();
        var truth = test.GetColumn<int>(DemoDataView.Label).ToArray();
        return new ClusteringResult(description, ClassificationStep.FeatureCount(train, featureColumn),
            NormalizedMutualInformation.Compute(truth, predicted), seconds);
    }
}
