using Microsoft.ML.Trainers;
using Xunit.Abstractions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class DownstreamPipelineTests(ITestOutputHelper output)
{
    [Fact]
    public void Mu_features_feed_a_multiclass_trainer_and_kmeans()
    {
        var ml = new MLContext(seed: 1);
        var train = Rows.Pixels(ml, 0, 3000);
        var test = Rows.Pixels(ml, 8000, 1000);
        using var model = VaeModel.Load(TestData.ContractVae);

        var pipeline = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Pixels" }, model)
            .Append(ml.Transforms.Concatenate("Features", "Mu"))
            .Append(ml.Transforms.NormalizeMeanVariance("Features"))
            .AppendCacheCheckpoint(ml) // trainers pass over the data many times: featurize once
            .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
            .Append(ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = "LabelKey",
                FeatureColumnName = "Features",
                MaximumNumberOfIterations = 30, // keeps the test fast; converged enough for the assertion
            }));
        var classifier = pipeline.Fit(train);
        var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(test), labelColumnName: "LabelKey");
        // 10 balanced classes: chance is 0.1. An 8-dim latent of a tiny VAE separates Fashion-MNIST well above it.
        output.WriteLine($"multiclass accuracy on mu: {metrics.MicroAccuracy:F3}");
        Assert.True(metrics.MicroAccuracy > 0.5, $"accuracy {metrics.MicroAccuracy:F3} on 1000 unseen images");

        var clustering = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Pixels" }, model)
            .Append(ml.Transforms.Concatenate("Features", "Mu"))
            .AppendCacheCheckpoint(ml)
            .Append(ml.Clustering.Trainers.KMeans("Features", numberOfClusters: 10));
        var clusters = clustering.Fit(train).Transform(test);
        var assigned = ml.Data.CreateEnumerable<Cluster>(clusters, reuseRowObject: false).ToList();
        var labels = TestData.Labels(8000, 1000);
        // Purity: each cluster votes its majority label; well above the 0.1 of random assignment.
        double purity = assigned.Zip(labels).GroupBy(p => p.First.PredictedLabel)
            .Sum(g => g.GroupBy(p => p.Second).Max(h => h.Count())) / 1000.0;
        output.WriteLine($"KMeans purity on mu: {purity:F3}");
        Assert.True(purity > 0.4, $"KMeans purity {purity:F3}");
        Assert.True(assigned.Select(a => a.PredictedLabel).Distinct().Count() >= 8);
    }

    private sealed class Cluster
    {
        public uint PredictedLabel { get; set; }
    }
}
