using Vae.MLNet;

namespace Vae.Cli.Demo;

/// <summary>A trained VAE of the demo: where its models are and how it scores on the test images.</summary>
internal sealed record DemoVae(string VaeModelPath, string DecoderModelPath, int Epochs, double TestReconstruction, double TestKl, int ActiveUnits, int LatentDim,
    double TrainSeconds, IReadOnlyList<string> Figures)
{
    /// <summary>Test −ELBO (nats per image).</summary>
    public double TestNegativeElbo => TestReconstruction + TestKl;
}

/// <summary>One classifier: which features, how accurate, how long its training took.</summary>
internal sealed record ClassifierResult(string Features, int FeatureCount, double MicroAccuracy, double MacroAccuracy, double TrainSeconds);

/// <summary>
/// One clustering: which features and the NMIs of its clusters against the true classes, over KMeans seeds;
/// <paramref name="Umap"/> and <paramref name="EmbedSeconds"/> describe the UMAP embedding KMeans ran on, if any.
/// </summary>
internal sealed record ClusteringResult(string Features, int FeatureCount, SeededKMeans KMeans, UmapOptions? Umap = null, double? EmbedSeconds = null)
{
    /// <summary>Mean NMI (arithmetic mean of the entropies) over the KMeans seeds.</summary>
    public double Nmi => KMeans.Nmi;
}

/// <summary>One anomaly detector: AUROC from ML.NET's evaluator and the ROC curve from its scores.</summary>
internal sealed record AnomalyResult(string Detector, double Auroc, double DetectionRateAtFalsePositiveCount, IReadOnlyList<double> FalsePositiveRate,
    IReadOnlyList<double> TruePositiveRate, double TrainSeconds);

/// <summary>Everything the report says; every number was measured in the run.</summary>
internal sealed record DemoReport(
    DemoOptions Options,
    string DataDescription,
    int TrainCount,
    int TestCount,
    string Architecture,
    DemoVae Vae,
    double FeaturizeSeconds,
    IReadOnlyList<ClassifierResult> Classifiers,
    IReadOnlyList<ClusteringResult> Clusterings,
    string AnomalyClassName,
    int AnomalyTestCount,
    DemoVae AnomalyVae,
    IReadOnlyList<AnomalyResult> AnomalyDetectors,
    IReadOnlyDictionary<string, string> Figures,
    double TotalSeconds);
