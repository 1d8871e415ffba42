using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Trains a VAE on the training images of one class and returns the path of its contract-v1 ONNX model.
/// The benchmark loads the model and disposes it; the file stays the trainer's.
/// </summary>
/// <param name="normalClass">The class whose images are the "normal" data.</param>
/// <param name="trainingImages">That class's training images, C·H·W pixels in [0, 1] each.</param>
public delegate string OneClassVaeTrainer(int normalClass, IReadOnlyList<float[]> trainingImages);

/// <summary>
/// The one-class anomaly benchmark (as in Deep SVDD / GEOM on Fashion-MNIST): for each class c a VAE is
/// trained on the training images of c only, the whole test set is scored with every
/// <see cref="VaeAnomalyScoreKind"/> (detectors fitted on the same training images), and the AUROC of
/// "not c" against "c" is recorded; ML.NET's RandomizedPca on raw pixels runs as the baseline in the same
/// loop. Training is delegated (<see cref="OneClassVaeTrainer"/>) so this class stays free of TorchSharp.
/// </summary>
/// <remarks>
/// A command line wires it as: read Fashion-MNIST train and t10k into <see cref="OneClassBenchmarkData"/>;
/// pass a trainer that trains a VAE on the given images with Vae.Training, exports its contract-v1 ONNX
/// to a per-class path and returns that path; print <see cref="OneClassBenchmarkResult.ToMarkdown"/>.
/// </remarks>
public sealed class OneClassBenchmark
{
    /// <summary>The baseline's row name in the result table.</summary>
    public const string PcaMethod = "RandomizedPca (pixels)";

    private readonly MLContext _ml;
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

        var testView = _data.ToDataView(_ml, _data.TestImages);
        foreach (int c in classList)
        {
            var training = _data.TrainingImagesOf(c);
            var isAnomaly = _data.TestLabels.Select(label => label != c).ToArray();
            if (isAnomaly.All(a => a) || isAnomaly.All(a => !a))
                throw new ArgumentException($"Class {c}: the test set must hold images of class {c} and of other classes.", nameof(classes));
            var trainView = _data.ToDataView(_ml, training);

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
                    table[kind.ToString()][c] = Auroc.Compute(Scores(detector.Transform(testView)), isAnomaly);
                }
            }
            if (PcaRank > 0)
            {
                progress?.Report($"class {c}: RandomizedPca rank {PcaRank}");
                var pca = _ml.AnomalyDetection.Trainers.RandomizedPca(OneClassBenchmarkData.PixelColumn, rank: PcaRank, ensureZeroMean: true).Fit(trainView);
                table[PcaMethod][c] = Auroc.Compute(Scores(pca.Transform(testView)), isAnomaly);
            }
        }
        return new OneClassBenchmarkResult(classList, methods, table);
    }

    private static float[] Scores(IDataView scored) => scored.GetColumn<float>(AnomalyColumns.Score).ToArray();
}

/// <summary>Images and labels of a one-class benchmark; every image has C·H·W pixels in [0, 1].</summary>
public sealed class OneClassBenchmarkData
{
    internal const string PixelColumn = "Pixels";

    /// <summary>Creates the data, checking that every image has <c>channels·height·width</c> pixels.</summary>
    /// <exception cref="ArgumentException">Counts of images and labels differ, or an image has the wrong size.</exception>
    public OneClassBenchmarkData(IReadOnlyList<float[]> trainImages, IReadOnlyList<int> trainLabels,
        IReadOnlyList<float[]> testImages, IReadOnlyList<int> testLabels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(testImages);
        ArgumentNullException.ThrowIfNull(testLabels);
        PixelCount = channels * height * width;
        if (PixelCount <= 0)
            throw new ArgumentException($"Image shape {channels}x{height}x{width} must be positive.", nameof(channels));
        Check(trainImages, trainLabels, "training");
        Check(testImages, testLabels, "test");
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>C·H·W.</summary>
    public int PixelCount { get; }
    /// <summary>Training images (all classes).</summary>
    public IReadOnlyList<float[]> TrainImages { get; }
    /// <summary>Their classes.</summary>
    public IReadOnlyList<int> TrainLabels { get; }
    /// <summary>Test images (all classes).</summary>
    public IReadOnlyList<float[]> TestImages { get; }
    /// <summary>Their classes.</summary>
    public IReadOnlyList<int> TestLabels { get; }

    internal List<float[]> TrainingImagesOf(int c)
    {
        var list = TrainImages.Where((_, i) => TrainLabels[i] == c).ToList();
        if (list.Count == 0)
            throw new ArgumentException($"Class {c} has no training images.", nameof(c));
        return list;
    }

    internal IDataView ToDataView(MLContext ml, IReadOnlyList<float[]> images)
    {
        var schema = SchemaDefinition.Create(typeof(PixelRow));
        schema[nameof(PixelRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, PixelCount);
        return ml.Data.LoadFromEnumerable(images.Select(p => new PixelRow { Pixels = p }), schema);
    }

    private void Check(IReadOnlyList<float[]> images, IReadOnlyList<int> labels, string what)
    {
        if (images.Count != labels.Count)
            throw new ArgumentException($"The {what} set has {images.Count} images but {labels.Count} labels.", nameof(labels));
        for (int i = 0; i < images.Count; i++)
            if (images[i] is null || images[i].Length != PixelCount)
                throw new ArgumentException($"{what} image {i} has {images[i]?.Length ?? 0} pixels; expected {PixelCount}.", nameof(images));
    }

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
    }
}

/// <summary>AUROC per method (score kind or baseline) and class, with the mean over classes.</summary>
public sealed class OneClassBenchmarkResult
{
    private readonly Dictionary<string, Dictionary<int, double>> _auroc;

    internal OneClassBenchmarkResult(IReadOnlyList<int> classes, IReadOnlyList<string> methods, Dictionary<string, Dictionary<int, double>> auroc)
    {
        Classes = classes;
        Methods = methods;
        _auroc = auroc;
    }

    /// <summary>The classes, in run order.</summary>
    public IReadOnlyList<int> Classes { get; }

    /// <summary>The methods: score kinds, then the baseline.</summary>
    public IReadOnlyList<string> Methods { get; }

    /// <summary>AUROC of <paramref name="method"/> for normal class <paramref name="normalClass"/>.</summary>
    public double Auroc(string method, int normalClass) => _auroc[method][normalClass];

    /// <summary>Mean AUROC of <paramref name="method"/> over the classes.</summary>
    public double Mean(string method) => Classes.Average(c => _auroc[method][c]);

    /// <summary>A Markdown table: one row per method, one column per class, then the mean.</summary>
    public string ToMarkdown()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder();
        sb.Append("| method | ").AppendJoin(" | ", Classes.Select(c => c.ToString(inv))).AppendLine(" | mean |");
        sb.Append("|---|").AppendJoin("", Classes.Select(_ => "---|")).AppendLine("---|");
        foreach (var m in Methods)
            sb.Append("| ").Append(m).Append(" | ")
              .AppendJoin(" | ", Classes.Select(c => _auroc[m][c].ToString("F4", inv)))
              .Append(" | ").Append(Mean(m).ToString("F4", inv)).AppendLine(" |");
        return sb.ToString();
    }
}
