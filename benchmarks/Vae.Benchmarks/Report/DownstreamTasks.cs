using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Benchmarks.Shared;
using Vae.Training.Demo;

namespace Vae.Benchmarks.Report;

/// <summary>What a feature column is worth downstream: the same ML.NET trainers on μ and on raw pixels.</summary>
public static class DownstreamTasks
{
    private const string LabelKey = "LabelKey";
    private const string Features = "Features";

    /// <summary>Multiclass result: test accuracy and the seconds the classifier took to train.</summary>
    public sealed record Classification(int FeatureCount, double Accuracy, double TrainSeconds);

    /// <summary>Clustering result: NMI of KMeans clusters (fit on train, assigned on test) against the classes.</summary>
    public sealed record Clustering(int FeatureCount, double Nmi, double TrainSeconds);

    /// <summary>Standardise, then L-BFGS maximum entropy; accuracy on <paramref name="test"/>.</summary>
    public static Classification Classify(MLContext ml, IDataView train, IDataView test, string featureColumn, string classifier = "lbfgs")
    {
        IEstimator<ITransformer> trainer = classifier switch
        {
            "lbfgs" => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(LabelKey, Features),
            "fasttree" => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(labelColumnName: LabelKey, featureColumnName: Features), LabelKey),
            "lightgbm" => ml.MulticlassClassification.Trainers.LightGbm(LabelKey, Features),
            _ => throw new ArgumentException($"Unknown classifier '{classifier}': expected lbfgs, fasttree or lightgbm.", nameof(classifier)),
        };
        var pipeline = ml.Transforms.Conversion.MapValueToKey(LabelKey, LabeledImageRow.LabelColumn)
            .Append(ml.Transforms.NormalizeMeanVariance(Features, featureColumn))
            .Append(trainer);
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), LabelKey);
        return new Classification(Size(train, featureColumn), metrics.MicroAccuracy, seconds);
    }

    /// <summary>KMeans with k = 10 fit on <paramref name="train"/>; NMI of the clusters of <paramref name="test"/> against its labels.</summary>
    public static Clustering Cluster(MLContext ml, IDataView train, IDataView test, string featureColumn, int clusters = 10)
    {
        var trainer = ml.Clustering.Trainers.KMeans(featureColumn, numberOfClusters: clusters);
        var clock = Stopwatch.StartNew();
        var model = trainer.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var predicted = model.Transform(test).GetColumn<uint>("PredictedLabel").Select(c => (int)c).ToArray();
        var truth = test.GetColumn<int>(LabeledImageRow.LabelColumn).ToArray();
        return new Clustering(Size(train, featureColumn), NormalizedMutualInformation.Compute(truth, predicted), seconds);
    }

    private static int Size(IDataView data, string column) =>
        data.Schema[column].Type is VectorDataViewType { Size: > 0 } vector ? vector.Size
            : throw new InvalidOperationException($"Column '{column}' is {data.Schema[column].Type}, expected a known-size vector of Single.");
}
