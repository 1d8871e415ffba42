namespace Vae.MLNet;

/// <summary>
/// Options of the VAE anomaly detector (<c>mlContext.AnomalyDetection.Trainers.Vae</c>), ML.NET
/// Options-class style. Set at most one of <see cref="Contamination"/>, <see cref="ThresholdQuantile"/>
/// and <see cref="FalsePositiveRate"/>; with none set the threshold is the model's stored 0.99 training
/// error quantile when <see cref="ScoreKind"/> is the reconstruction error (and the model stores it),
/// otherwise the 0.99 quantile of the scores of the fitting data.
/// </summary>
public sealed class VaeAnomalyDetectorOptions
{
    /// <summary>The input column: an image or a vector of C·H·W Single pixels in [0, 1] (as the featurizer takes it).</summary>
    public string InputColumnName = "Image";

    /// <summary>What to score; see <see cref="VaeAnomalyScoreKind"/> for when to use which.</summary>
    public VaeAnomalyScoreKind ScoreKind = VaeAnomalyScoreKind.ReconstructionError;

    /// <summary>
    /// The fraction of the fitting data that is anomalous: the threshold is placed so that this fraction
    /// (rounded to whole rows) of the fitting data scores above it. In (0, 1).
    /// </summary>
    public double? Contamination;

    /// <summary>The threshold is this quantile of the fitting data's scores (linear interpolation). In (0, 1).</summary>
    public double? ThresholdQuantile;

    /// <summary>
    /// The fitting data is clean, and at most this fraction of it may be flagged (the false-positive rate
    /// on the fitting data): the threshold lies above all but ⌊rate·n⌋ of its scores. In (0, 1).
    /// </summary>
    public double? FalsePositiveRate;

    /// <summary>
    /// Shrinkage λ of the latent covariance used by <see cref="VaeAnomalyScoreKind.Mahalanobis"/>,
    /// <see cref="VaeAnomalyScoreKind.Combined"/> and <see cref="VaeAnomalyScoreKind.NearestNeighbors"/> (whitening): Σ = (1−λ)·S + λ·(tr S / k)·I. In [0, 1); keeps Σ
    /// invertible when the fitting data is small or μ has near-constant directions.
    /// </summary>
    public double CovarianceShrinkage = 0.01;

    /// <summary>
    /// k of <see cref="VaeAnomalyScoreKind.NearestNeighbors"/>: how many nearest fitting codes are averaged.
    /// Positive; the fitting data needs more rows than this. 10 was the best of 1, 3, 5, 10 and 20 on held-out
    /// training images of one-class Fashion-MNIST (benchmarks/one_class_validation.py; 5 to 20 were within 0.001).
    /// </summary>
    public int NeighborCount = 10;

    /// <summary>
    /// At most this many fitting codes are kept as neighbours by <see cref="VaeAnomalyScoreKind.NearestNeighbors"/>
    /// (a seeded subsample beyond it). They are stored in the model (2k floats each) and every scored row
    /// is compared with all of them, so this bounds the saved size and the cost per row.
    /// </summary>
    public int MaxNeighborReferences = 10_000;

    /// <summary>Rows per ONNX Runtime call of the featurizer, 1 to <see cref="VaeFeaturizerOptions.MaxBatchSize"/>; buffers grow with the rows actually read.</summary>
    public int BatchSize = 256;

    /// <summary>ONNX Runtime intra-op threads of the featurizer; null = the model's shared session.</summary>
    public int? IntraOpNumThreads;

    /// <summary>What to do with NaN or infinite pixels; <see cref="InvalidPixelHandling.MaximalError"/> scores them as maximal anomalies.</summary>
    public InvalidPixelHandling InvalidPixelHandling = InvalidPixelHandling.Throw;

    /// <summary>How an image input of another size is brought to the model's size.</summary>
    public VaeImageResizing Resizing = VaeImageResizing.AsTrained;

    /// <summary>A copy, so an estimator is not changed by later edits of the caller's object.</summary>
    internal VaeAnomalyDetectorOptions Clone() => (VaeAnomalyDetectorOptions)MemberwiseClone();

    /// <summary>Checks every value; the message names the option and the expected and actual values.</summary>
    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(InputColumnName))
            throw new ArgumentException("VaeAnomalyDetectorOptions.InputColumnName must name the image column; it is empty.", nameof(InputColumnName));
        if (!Enum.IsDefined(ScoreKind))
            throw new ArgumentException($"VaeAnomalyDetectorOptions.ScoreKind = {(int)ScoreKind} is not a VaeAnomalyScoreKind.", nameof(ScoreKind));
        CheckOpenUnit(Contamination, nameof(Contamination));
        CheckOpenUnit(ThresholdQuantile, nameof(ThresholdQuantile));
        CheckOpenUnit(FalsePositiveRate, nameof(FalsePositiveRate));
        int set = (Contamination.HasValue ? 1 : 0) + (ThresholdQuantile.HasValue ? 1 : 0) + (FalsePositiveRate.HasValue ? 1 : 0);
        if (set > 1)
            throw new ArgumentException(
                "Set at most one of VaeAnomalyDetectorOptions.Contamination, ThresholdQuantile and FalsePositiveRate; " +
                $"got Contamination={Show(Contamination)}, ThresholdQuantile={Show(ThresholdQuantile)}, FalsePositiveRate={Show(FalsePositiveRate)}.");
        if (!(CovarianceShrinkage >= 0 && CovarianceShrinkage < 1))
            throw new ArgumentOutOfRangeException(nameof(CovarianceShrinkage), CovarianceShrinkage,
                $"VaeAnomalyDetectorOptions.CovarianceShrinkage must be in [0, 1); got {CovarianceShrinkage}.");
        if (NeighborCount <= 0)
            throw new ArgumentOutOfRangeException(nameof(NeighborCount), NeighborCount, $"VaeAnomalyDetectorOptions.NeighborCount must be positive; got {NeighborCount}.");
        if (MaxNeighborReferences <= NeighborCount)
            throw new ArgumentOutOfRangeException(nameof(MaxNeighborReferences), MaxNeighborReferences,
                $"VaeAnomalyDetectorOptions.MaxNeighborReferences must be larger than NeighborCount ({NeighborCount}); got {MaxNeighborReferences}.");
        if (BatchSize <= 0 || BatchSize > VaeFeaturizerOptions.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize,
                $"VaeAnomalyDetectorOptions.BatchSize must be positive and at most {VaeFeaturizerOptions.MaxBatchSize:N0} (VaeFeaturizerOptions.MaxBatchSize); got {BatchSize:N0}.");
        if (IntraOpNumThreads is <= 0)
            throw new ArgumentOutOfRangeException(nameof(IntraOpNumThreads), IntraOpNumThreads,
                $"VaeAnomalyDetectorOptions.IntraOpNumThreads must be positive or null; got {IntraOpNumThreads}.");
    }

    private static void CheckOpenUnit(double? value, string name)
    {
        if (value is { } v && !(v > 0 && v < 1))
            throw new ArgumentOutOfRangeException(name, v, $"VaeAnomalyDetectorOptions.{name} must be in (0, 1) (exclusive); got {v}.");
    }

    private static string Show(double? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null";
}
