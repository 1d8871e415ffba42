using Microsoft.ML;
using Vae.MLNet;

namespace Vae.Benchmarks.OneClass;

/// <summary>
/// The one-class anomaly benchmark (as in Deep SVDD / GEOM on Fashion-MNIST): for each class c a VAE is
/// trained on the training images of c only, the whole test set is scored with every
/// <see cref="VaeAnomalyScoreKind"/> (detectors fitted on the same training images), and the AUROC of
/// "not c" against "c" is recorded; ML.NET's RandomizedPca on raw pixels runs as the baseline in the same
/// loop. Training is delegated (<see cref="OneClassVaeTrainer"/>) so this class stays free of TorchSharp.
/// AUROC comes from <c>mlContext.AnomalyDetection.Evaluate</c>.
/// </summary>
public sealed class OneClassBenchmark
{
    /// <summary>The baseline's row name in the result table.</summary>
    public const string PcaMethod = "RandomizedPca (pixels)";

    private const string Score = "Score", PredictedLabel = "PredictedLabel";

    private readonly MLContext _ml;
    // Registering an evaluator draws from its context's random source; a context of its own keeps the
    // detectors' and RandomizedPca's draws from _ml what they were when AUROC was computed in C#.
    private readonly MLContext _evaluation = new(seed: 0);
    private readonly OneClassBenchmarkData _data;

    /// <summary>A benchmark over <paramref name="data"/>; <paramref name="ml"/> builds the ML.NET pipelines.</summary>
    public OneClassBenchmark(MLContext ml, OneClassBenchmarkData data)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(data);
        _ml = ml;
        _data = data;
    }

    /// <summary>Score kinds to evaluate (default: all).</summary>
    public IReadOnlyList<VaeAnomalyScoreKind> ScoreKinds { get; init; } = Enum.GetValues<VaeAnomalyScoreKind>();

    /// <summary>Rank of the RandomizedPca baseline; 0 skips it.</summary>
    public int PcaRank { get; init; } = 20;

    /// <summary>Covariance shrinkage of the latent Gaussian.</summary>
    public double CovarianceShrinkage { get; init; } = 0.01;

    /// <summary>Runs every class in <paramref name="classes"/> (default: every class of the test set).</summary>
    /// <exception cref="ArgumentException">A class has no training images, or the test set lacks it or has nothing else.</exception>
    public OneClassBenchmarkResult Run(OneClassVaeTrainer trainer, IEnumerable<int>? classes = null, IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        var classList = (classes ?? _data.TestLabels.Distinct().Order()).ToList();
        if (classList.Count == 0)
            throw new ArgumentException("The benchmark needs at least one class.", nameof(classes));
        var methods = ScoreKinds.Select(k => k.ToString()).ToList();
        if (PcaRank > 0)
            methods.Add(PcaMethod);
        var table = methods.ToDictionary(m => m, _ => new Dictionary<int, double>());

        foreach (int c in classList)
        {
            var training = _data.TrainingImagesOf(c);
            var isAnomaly = _data.TestLabels.Select(label => label != c).ToArray();
            if (isAnomaly.All(a => a) || isAnomaly.All(a => !a))
                throw new ArgumentException($"Class {c}: the test set must hold images of class {c} and of other classes.", nameof(classes));
            var trainView = _data.ToDataView(_ml, training);
            var testView = _data.ToDataView(_ml, _data.TestImages, isAnomaly);

            progress?.Report($"class {c}: training a VAE on {training.Count} images");
            string path = trainer(c, training);
            using (var model = VaeModel.Load(path))
            {
                foreach (var kind in ScoreKinds)
                {
                    progress?.Report($"class {c}: {kind}");
                    var options = new VaeAnomalyDetectorOptions
                    {
                        InputColumnName = OneClassBenchmarkData.PixelColumn,
                        ScoreKind = kind,
                        CovarianceShrinkage = CovarianceShrinkage,
                    };
                    using var detector = _ml.AnomalyDetection.Trainers.Vae(options, model).Fit(trainView);
                    table[kind.ToString()][c] = Auroc(detector.Transform(testView));
                }
            }
            if (PcaRank > 0)
            {
                progress?.Report($"class {c}: RandomizedPca rank {PcaRank}");
                var pca = _ml.AnomalyDetection.Trainers.RandomizedPca(OneClassBenchmarkData.PixelColumn, rank: PcaRank, ensureZeroMean: true).Fit(trainView);
                table[PcaMethod][c] = Auroc(pca.Transform(testView));
            }
        }
        return new OneClassBenchmarkResult(classList, methods, table);
    }

    private double Auroc(IDataView scored) =>
        _evaluation.AnomalyDetection.Evaluate(scored, OneClassBenchmarkData.LabelColumn, Score, PredictedLabel).AreaUnderRocCurve;
}
