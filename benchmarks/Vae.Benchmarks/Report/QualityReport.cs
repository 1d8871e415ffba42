using System.Diagnostics;
using Microsoft.ML;
using TorchSharp;
using Vae.Benchmarks.Shared;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;

namespace Vae.Benchmarks.Report;

/// <summary>
/// Measurement 3 (<c>--quality</c>): on the full Fashion-MNIST (60k train / 10k test), train each VAE for
/// N epochs with <see cref="VaeTrainer"/>, report test −ELBO, export it, featurize μ with VaeFeaturize, and
/// compare μ with raw pixels for L-BFGS maximum entropy (accuracy, training time) and KMeans k = 10 (NMI, arithmetic
/// mean and ML.NET's class-entropy one: <see cref="DownstreamTasks.NmiNormalisation"/>), the latter also on a UMAP embedding of μ.
/// </summary>
internal static class QualityReport
{
    /// <summary>Runs the quality measurements, or says why they were skipped.</summary>
    public static object Measure(ReportOptions o, string modelDirectory, Action<string> progress)
    {
        if (!FashionMnist.Has(FashionMnist.DebianDirectory, "train") || !FashionMnist.Has(FashionMnist.DebianDirectory, "t10k"))
            return new { skipped = $"{FashionMnist.DebianDirectory} does not hold the full Fashion-MNIST (train and t10k)." };
        var train = FashionMnist.Load(FashionMnist.DebianDirectory, "train");
        var test = FashionMnist.Load(FashionMnist.DebianDirectory, "t10k");
        var ml = new MLContext(seed: 1);
        var trainView = ml.Data.Cache(LabeledImageRow.View(ml, train));
        var testView = ml.Data.Cache(LabeledImageRow.View(ml, test));

        var results = new Dictionary<string, object>
        {
            ["data"] = new { train = train.Count, test = test.Count, source = FashionMnist.DebianDirectory },
        };
        DownstreamTasks.Classification? rawClassifier = null;
        if (!o.SkipRawBaseline)
        {
            progress("quality: classifier and KMeans on raw pixels…");
            rawClassifier = DownstreamTasks.Classify(ml, trainView, testView, ImageRow.Column, o.Classifier, o.ClassifierTrees, o.ClassifierLeaves);
            var rawClusters = DownstreamTasks.Cluster(trainView, testView, ImageRow.Column, KMeansSeeds(o));
            progress($"quality: raw pixels: accuracy {rawClassifier.Accuracy:F4} in {rawClassifier.TrainSeconds:F1} s, {rawClusters.Describe()}");
            var raw = new Dictionary<string, object?>
            {
                ["classifier_accuracy"] = Math.Round(rawClassifier.Accuracy, 4),
                ["classifier_train_seconds"] = Math.Round(rawClassifier.TrainSeconds, 2),
            };
            foreach (var (key, value) in rawClusters.JsonFields(prefix: ""))
                raw[key] = value;
            raw["kmeans_train_seconds"] = Math.Round(rawClusters.KMeans.TrainSeconds, 2);
            // The same UMAP + KMeans as on μ: what the manifold step alone gives, without the VAE.
            AddUmapClustering(o, trainView, testView, ImageRow.Column, "raw pixels", prefix: "", raw, progress);
            results["raw_pixels"] = raw;
        }
        foreach (string name in o.QualityModels)
        {
            progress($"quality: training {name} for {o.Epochs} epochs…");
            var architecture = BenchModels.Architectures[name];
            if (o.Latent is { } k) architecture = architecture with { LatentDim = k };
            architecture = (architecture with { PriorComponents = o.PriorComponents }).Validated();
            results[name] = MeasureModel(o, ml, architecture, train, test, trainView, testView, rawClassifier,
                Path.Combine(modelDirectory, "quality-" + name), progress);
        }
        if (o.QualityOnnx is { } onnx)
        {
            progress($"quality: features of {onnx}…");
            using var model = VaeModel.Load(onnx);
            var measured = new Dictionary<string, object?>
            {
                ["file"] = onnx,
                ["model"] = model.Architecture,
                ["beta"] = model.Beta,
            };
            foreach (var (key, value) in MeasureFeatures(o, ml, model, trainView, testView, rawClassifier, progress))
                measured[key] = value;
            results["onnx"] = measured;
        }
        return results;
    }

    /// <summary>What μ of <paramref name="model"/> is worth downstream, next to raw pixels (JSON fields in order).</summary>
    private static Dictionary<string, object?> MeasureFeatures(ReportOptions o, MLContext ml, VaeModel model, IDataView trainView, IDataView testView,
        DownstreamTasks.Classification? raw, Action<string> progress)
    {
        var featurizer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions
        {
            InputColumnName = ImageRow.Column,
            MuColumnName = MuRow.Column,
            SigmaColumnName = null,
            IntraOpNumThreads = Environment.ProcessorCount,
        }, model).Fit(trainView);
        // Cache materialises μ once, so the classifier timings below measure training only.
        var clock = Stopwatch.StartNew();
        var muTrain = ml.Data.Cache(featurizer.Transform(trainView), LabeledImageRow.LabelColumn, MuRow.Column);
        var muTest = ml.Data.Cache(featurizer.Transform(testView), LabeledImageRow.LabelColumn, MuRow.Column);
        BenchData.Consume(muTrain, MuRow.Column);
        BenchData.Consume(muTest, MuRow.Column);
        double featurizeSeconds = clock.Elapsed.TotalSeconds;

        var classifier = DownstreamTasks.Classify(ml, muTrain, muTest, MuRow.Column, o.Classifier, o.ClassifierTrees, o.ClassifierLeaves);
        var clusters = DownstreamTasks.Cluster(muTrain, muTest, MuRow.Column, KMeansSeeds(o));
        progress($"quality: {model.Architecture}: mu accuracy {classifier.Accuracy:F4} in {classifier.TrainSeconds:F1} s, {clusters.Describe()}");
        var fields = new Dictionary<string, object?>
        {
            ["featurize_train_and_test_seconds"] = Math.Round(featurizeSeconds, 2),
            ["classifier"] = o.Classifier,
            ["classifier_trees"] = o.ClassifierTrees,
            ["classifier_leaves"] = o.ClassifierLeaves,
            ["mu_classifier_accuracy"] = Math.Round(classifier.Accuracy, 4),
            ["mu_classifier_train_seconds"] = Math.Round(classifier.TrainSeconds, 2),
            ["classifier_train_speedup_vs_raw_pixels"] = raw is null ? null : Math.Round(raw.TrainSeconds / classifier.TrainSeconds, 1),
            ["classifier_goal"] = "accuracy ≥ 0.89 with ≥ 10× faster classifier training than raw pixels",
        };
        foreach (var (key, value) in clusters.JsonFields(prefix: "mu_"))
            fields[key] = value;
        AddUmapClustering(o, muTrain, muTest, MuRow.Column, $"μ of {model.Architecture}", prefix: "mu_", fields, progress);
        fields["kmeans_goal"] = "NMI (arithmetic mean) on μ ≥ 0.65 (mean over the KMeans seeds) vs ≈ 0.51 on raw pixels";
        return fields;
    }

    // Seeds 1..N: the same initialisations for μ and raw pixels, whatever else the run measured.
    private static int[] KMeansSeeds(ReportOptions o) => Enumerable.Range(1, o.KMeansSeeds).ToArray();

    private static int[] UmapSeeds(ReportOptions o) => Enumerable.Range(1, o.UmapSeeds).ToArray();

    /// <summary>KMeans on UMAP of <paramref name="column"/> unless <c>--no-umap</c>; its JSON fields go into <paramref name="fields"/>.</summary>
    private static void AddUmapClustering(ReportOptions o, IDataView train, IDataView test, string column, string features, string prefix,
        Dictionary<string, object?> fields, Action<string> progress)
    {
        if (o.UmapNeighbors == 0) return;
        progress($"quality: UMAP of {features} ({o.UmapNeighbors} neighbours, {o.UmapSeeds} seeds), then KMeans…");
        var manifold = UmapClustering.Fit(train, test, column, UmapSeeds(o), KMeansSeeds(o), o.UmapNeighbors);
        progress($"quality: {features}: {manifold.Describe()}");
        foreach (var (key, value) in manifold.JsonFields(prefix))
            fields[key] = value;
    }

    private static object MeasureModel(ReportOptions o, MLContext ml, VaeArchitecture architecture, ImageSet train, ImageSet test,
        IDataView trainView, IDataView testView, DownstreamTasks.Classification? raw, string directory, Action<string> progress)
    {
        torch.set_num_threads(o.TorchThreads);
        using var trainer = new VaeTrainer(architecture, new TrainOptions { Epochs = o.Epochs, Threads = o.TorchThreads, Seed = 1, Beta = o.Beta });
        var clock = Stopwatch.StartNew();
        // Progress<T> would post to the thread pool; a direct IProgress keeps the log in order.
        var result = trainer.Train(train, progress: new EpochLog(architecture, progress));
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var evaluation = trainer.Evaluate(test);
        progress($"quality: {architecture}: test -ELBO {evaluation.Total:F2} nats after {o.Epochs} epochs ({trainSeconds:F0} s)");

        string onnx = BenchModels.Export(trainer.Network, train, directory);
        using var model = VaeModel.Load(onnx);
        var features = MeasureFeatures(o, ml, model, trainView, testView, raw, progress);
        var measured = new Dictionary<string, object?>
        {
            ["model"] = architecture.ToString(),
            ["epochs"] = o.Epochs,
            ["beta"] = o.Beta,
            ["vae_train_seconds"] = Math.Round(trainSeconds, 1),
            ["last_epoch_train_images_per_second"] = Math.Round(result.History[^1].ImagesPerSecond),
            ["test_negative_elbo_nats"] = Math.Round(evaluation.Total, 2),
            ["test_reconstruction_nats"] = Math.Round(evaluation.Reconstruction, 2),
            ["test_kl_nats"] = Math.Round(evaluation.Kl, 2),
            ["active_units"] = evaluation.ActiveUnits,
            ["negative_elbo_goal"] = architecture.Kind == VaeKind.Mlp ? "reference ≈ 245 nats at 10 epochs" : "≤ 235 nats",
        };
        foreach (var (key, value) in features)
            measured[key] = value;
        measured["warnings"] = result.Warnings;
        return measured;
    }

    private sealed class EpochLog(VaeArchitecture architecture, Action<string> log) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value)
        {
            if (value.CompletedEpoch is { } m)
                log($"quality: {architecture}: epoch {m.Epoch}/{value.Epochs} train -ELBO {m.TrainTotal:F2}, {m.ImagesPerSecond:F0} images/s");
        }
    }
}
