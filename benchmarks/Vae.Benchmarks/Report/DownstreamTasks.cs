using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;
using Vae.Benchmarks.Shared;
using Vae.Cli.Demo;

namespace Vae.Benchmarks.Report;

/// <summary>What a feature column is worth downstream: the same ML.NET trainers on μ and on raw pixels.</summary>
internal static class DownstreamTasks
{
    private const string LabelKey = "LabelKey";
    private const string Features = "Features";

    /// <summary>Multiclass result: test accuracy and the seconds the classifier took to train.</summary>
    public sealed record Classification(double Accuracy, double TrainSeconds);

    /// <summary>What the JSON's NMI fields are: the field names predate the second one, so each is named here.</summary>
    public const string NmiNormalisation =
        "…_nmi…: NMI (arithmetic mean), I(classes; clusters) / ((H(classes) + H(clusters)) / 2), scikit-learn's default; " +
        "…_nmi_class_entropy…: NMI (class entropy, ML.NET), I / H(classes), ML.NET's ClusteringMetrics.NormalizedMutualInformation";

    /// <summary>Clustering result: <see cref="SeededKMeans"/>'s two NMIs per seed.</summary>
    public sealed record Clustering(SeededKMeans KMeans)
    {
        /// <summary>For the progress log: the means with the number of seeds and the range.</summary>
        public string Describe() =>
            $"KMeans NMI (arithmetic mean) {KMeans.Nmi:F4} (mean of {KMeans.Seeds.Count} seeds, {KMeans.MinNmi:F4}–{KMeans.MaxNmi:F4}), " +
            $"NMI (class entropy, ML.NET) {KMeans.ClassEntropyNmi:F4}";

        /// <summary>The report's JSON fields, NMI names prefixed with <paramref name="prefix"/> ("mu_" or "" for raw pixels).</summary>
        public IEnumerable<KeyValuePair<string, object?>> JsonFields(string prefix) =>
        [
            new("kmeans_seeds", KMeans.Seeds),
            new("nmi_normalisation", NmiNormalisation),
            new(prefix + "kmeans_nmi", Math.Round(KMeans.Nmi, 4)),
            new(prefix + "kmeans_nmi_min", Math.Round(KMeans.MinNmi, 4)),
            new(prefix + "kmeans_nmi_max", Math.Round(KMeans.MaxNmi, 4)),
            new(prefix + "kmeans_nmi_per_seed", KMeans.NmiPerSeed.Select(v => Math.Round(v, 4)).ToArray()),
            new(prefix + "kmeans_nmi_class_entropy", Math.Round(KMeans.ClassEntropyNmi, 4)),
            new(prefix + "kmeans_nmi_class_entropy_per_seed", KMeans.ClassEntropyNmiPerSeed.Select(v => Math.Round(v, 4)).ToArray()),
        ];
    }

    /// <summary>
    /// Standardise, then the multiclass trainer <paramref name="classifier"/> (lbfgs = L-BFGS maximum entropy,
    /// fasttree = one-versus-all FastTree, lightgbm); <paramref name="trees"/> and <paramref name="leaves"/> size the
    /// boosted trees (null = ML.NET's defaults). Accuracy on <paramref name="test"/>.
    /// </summary>
    public static Classification Classify(MLContext ml, IDataView train, IDataView test, string featureColumn, string classifier = "lbfgs",
        int? trees = null, int? leaves = null)
    {
        IEstimator<ITransformer> trainer = classifier switch
        {
            "lbfgs" => ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(LabelKey, Features),
            "fasttree" => ml.MulticlassClassification.Trainers.OneVersusAll(ml.BinaryClassification.Trainers.FastTree(FastTreeOptions(trees, leaves)), LabelKey),
            "lightgbm" => ml.MulticlassClassification.Trainers.LightGbm(LightGbmOptions(trees, leaves)),
            _ => throw new ArgumentException($"Unknown classifier '{classifier}': expected lbfgs, fasttree or lightgbm.", nameof(classifier)),
        };
        RequireKnownSizeVector(train, featureColumn);
        var pipeline = ml.Transforms.Conversion.MapValueToKey(LabelKey, LabeledImageRow.LabelColumn)
            .Append(ml.Transforms.NormalizeMeanVariance(Features, featureColumn))
            .Append(trainer);
        var clock = Stopwatch.StartNew();
        var model = pipeline.Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), LabelKey);
        return new Classification(metrics.MicroAccuracy, seconds);
    }

    /// <summary>
    /// KMeans once per seed on <paramref name="featureColumn"/> (see <see cref="SeededKMeans.Fit"/>). KMeans checks
    /// the column itself ("Schema mismatch for feature column 'X': expected Vector&lt;Single&gt;, got …").
    /// </summary>
    public static Clustering Cluster(IDataView train, IDataView test, string featureColumn, IReadOnlyList<int> seeds, int clusters = 10) =>
        new(SeededKMeans.Fit(train, test, featureColumn, LabeledImageRow.LabelColumn, seeds, clusters));

    private static FastTreeBinaryTrainer.Options FastTreeOptions(int? trees, int? leaves)
    {
        var options = new FastTreeBinaryTrainer.Options { LabelColumnName = LabelKey, FeatureColumnName = Features };
        if (trees is int t) options.NumberOfTrees = t;
        if (leaves is int l) options.NumberOfLeaves = l;
        return options;
    }

    private static LightGbmMulticlassTrainer.Options LightGbmOptions(int? trees, int? leaves)
    {
        var options = new LightGbmMulticlassTrainer.Options { LabelColumnName = LabelKey, FeatureColumnName = Features };
        if (trees is int t) options.NumberOfIterations = t;
        if (leaves is int l) options.NumberOfLeaves = l;
        return options;
    }

    // NormalizeMeanVariance refuses a variable-size vector without naming the column and accepts a scalar, which
    // the trainer then refuses under the name "Features"; this names the caller's column instead.
    private static void RequireKnownSizeVector(IDataView data, string column)
    {
        if (data.Schema[column].Type is not VectorDataViewType { Size: > 0 })
            throw new InvalidOperationException($"Column '{column}' is {data.Schema[column].Type}, expected a known-size vector of Single.");
    }
}
