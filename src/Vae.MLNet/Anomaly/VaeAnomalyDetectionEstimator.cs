using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Anomaly detector over a trained VAE. <see cref="Fit"/> runs the fitting data through the VAE
/// featurizer, fits the statistics the score kind needs (latent Gaussian, z-score scales) and places the
/// threshold; the transformer adds <c>Score</c> (Single, larger = more anomalous) and
/// <c>PredictedLabel</c> (Boolean, Score &gt; threshold) like ML.NET's RandomizedPca, so
/// <c>mlContext.AnomalyDetection.Evaluate</c> works unchanged. Create it with
/// <c>mlContext.AnomalyDetection.Trainers.Vae(...)</c>.
/// </summary>
public sealed class VaeAnomalyDetectionEstimator : IEstimator<VaeAnomalyDetectionTransformer>
{
    /// <summary>The training-error quantile used as the default threshold of the reconstruction-error score.</summary>
    public const double DefaultQuantile = 0.99;

    private readonly MLContext _ml;
    private readonly VaeModel _model;
    private readonly VaeAnomalyDetectorOptions _options;

    internal VaeAnomalyDetectionEstimator(MLContext ml, VaeAnomalyDetectorOptions options, VaeModel model)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        _ml = ml;
        _model = model;
        _options = options.Clone();
        _options.Validate();
        var function = AnomalyScoreFunction.Unfitted(_options.ScoreKind);
        if ((function.NeedsError || function.NeedsKl) && !model.HasReconstruction)
            throw new ArgumentException(
                $"Score kind {_options.ScoreKind} needs the reconstruction error, but '{model.Source}' is an encoder without a decoder " +
                "(HasReconstruction = false); use VaeAnomalyScoreKind.Mahalanobis.", nameof(model));
    }

    /// <summary>The model the detector runs.</summary>
    public VaeModel Model => _model;

    /// <summary>Checks the input column and adds <c>Score</c> (Single) and <c>PredictedLabel</c> (Boolean).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeaturizerInput.Check(inputSchema, _options.InputColumnName, _model);
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[AnomalyColumns.Score] = SchemaShapes.Column(AnomalyColumns.Score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false);
        columns[AnomalyColumns.PredictedLabel] =
            SchemaShapes.Column(AnomalyColumns.PredictedLabel, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false);
        return new SchemaShape(columns.Values);
    }

    /// <summary>
    /// Scores the fitting data, fits the score's statistics and calibrates the threshold. Under
    /// <see cref="InvalidPixelHandling.MaximalError"/>, fitting rows with NaN or infinite pixels are left out of
    /// both (the threshold rule says how many).
    /// </summary>
    /// <exception cref="ArgumentException">The input column is missing or of the wrong type or size.</exception>
    /// <exception cref="InvalidOperationException">The data has no rows (or no row with valid pixels), or too few / degenerate rows for the score's statistics.</exception>
    public VaeAnomalyDetectionTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var function = AnomalyScoreFunction.Unfitted(_options.ScoreKind);
        var featurizer = _ml.Transforms.VaeFeaturize(FeaturizerOptions(function), _model).Fit(input);

        // One pass of the VAE over the fitting data; the scoring pass reads these features from memory.
        var featurized = featurizer.Transform(input);
        var features = FeatureReader.Read(featurized, function, _model.LatentDim);
        if (features.Rows == 0)
            throw new InvalidOperationException(
                $"Cannot fit the VAE anomaly detector on an empty data view (0 rows in column '{_options.InputColumnName}'); expected at least one row.");
        // Rows with NaN/Inf pixels (MaximalError) score float.MaxValue: keep them out of the statistics and the threshold.
        int read = features.Rows;
        features = features.WithoutInvalidRows(out int excluded);
        if (features.Rows == 0)
            throw new InvalidOperationException(
                $"Cannot fit the VAE anomaly detector: all {read} fitting rows of column '{_options.InputColumnName}' hold NaN or infinite pixels " +
                "(InvalidPixelHandling.MaximalError); expected at least one row with finite pixels in [0, 1].");
        var cached = FeatureReader.ToDataView(_ml, features);
        function = AnomalyScoreFunction.Fit(_options.ScoreKind, features, _options);

        var scoreVector = ScoreVectorTransformer(function, cached);
        var withVector = scoreVector.Transform(cached);
        var scorer = IdentityThresholdScorer.Create(_ml, AnomalyColumns.ScoreVector, ScoreVectorWidth(function), 0f);
        var scores = function.FittingScores is { } fittingScores
            ? fittingScores.Select(s => (float)s).ToArray()
            : _ml.Data.CreateEnumerable<ScoreRow>(scorer.Transform(withVector), reuseRowObject: true).Select(r => r.Score).ToArray();
        var (threshold, rule) = Calibrate(scores);
        if (excluded > 0)
            rule += $"; {excluded} of {read} fitting rows excluded for NaN or infinite pixels";
        scorer = IdentityThresholdScorer.WithThreshold(_ml, scorer, threshold);

        var scored = scorer.Transform(scoreVector.Transform(featurized));
        var drop = _ml.Transforms.DropColumns([.. IntermediateColumns(function)]).Fit(scored);
        return new VaeAnomalyDetectionTransformer(_ml, featurizer, scoreVector, scorer, drop, function, threshold, rule, scores);
    }

    private static IEnumerable<string> IntermediateColumns(AnomalyScoreFunction function)
    {
        if (function.NeedsError) yield return AnomalyColumns.Error;
        if (function.NeedsKl) yield return AnomalyColumns.Kl;
        if (function.NeedsMu) yield return AnomalyColumns.Mu;
        if (function.NeedsLogVar) yield return AnomalyColumns.LogVar;
        yield return AnomalyColumns.ScoreVector;
    }

    /// <summary>The featurizer's options: only the columns the score reads, under internal names.</summary>
    private VaeFeaturizerOptions FeaturizerOptions(AnomalyScoreFunction function) => new()
    {
        InputColumnName = _options.InputColumnName,
        MuColumnName = function.NeedsMu ? AnomalyColumns.Mu : null,
        SigmaColumnName = null,
        LogVarColumnName = function.NeedsLogVar ? AnomalyColumns.LogVar : null,
        // The scores read one "error" column: the raw error or, for the kinds that want it, the divergence.
        ReconstructionErrorColumnName = function.NeedsError && !function.ErrorIsDivergence ? AnomalyColumns.Error : null,
        ReconstructionDivergenceColumnName = function.NeedsError && function.ErrorIsDivergence ? AnomalyColumns.Error : null,
        KlColumnName = function.NeedsKl ? AnomalyColumns.Kl : null,
        BatchSize = _options.BatchSize,
        IntraOpNumThreads = _options.IntraOpNumThreads,
        InvalidPixelHandling = _options.InvalidPixelHandling,
        Resizing = _options.Resizing,
    };

    /// <summary>Score vector: [error] or [error, KL] concatenated (summed by the identity scorer), or the ONNX score graph.</summary>
    private ITransformer ScoreVectorTransformer(AnomalyScoreFunction function, IDataView features)
    {
        IEstimator<ITransformer> estimator = function.Kind switch
        {
            VaeAnomalyScoreKind.ReconstructionError or VaeAnomalyScoreKind.ReconstructionDivergence =>
                _ml.Transforms.Concatenate(AnomalyColumns.ScoreVector, AnomalyColumns.Error),
            VaeAnomalyScoreKind.NegativeElbo => _ml.Transforms.Concatenate(AnomalyColumns.ScoreVector, AnomalyColumns.Error, AnomalyColumns.Kl),
            _ => _ml.Transforms.ApplyOnnxModel(
                [AnomalyColumns.ScoreVector],
                [.. GraphInputs(function)],
                new MemoryStream(function.BuildGraph(AnomalyColumns.Error, AnomalyColumns.Mu, AnomalyColumns.LogVar, AnomalyColumns.ScoreVector))),
        };
        return estimator.Fit(features);
    }

    private static IEnumerable<string> GraphInputs(AnomalyScoreFunction function)
    {
        yield return AnomalyColumns.Mu;
        if (function.NeedsLogVar) yield return AnomalyColumns.LogVar;
        if (function.NeedsError) yield return AnomalyColumns.Error;
    }

    private static int ScoreVectorWidth(AnomalyScoreFunction function) => function.Kind == VaeAnomalyScoreKind.NegativeElbo ? 2 : 1;

    private (float Threshold, string Rule) Calibrate(float[] scores)
    {
        if (_options.Contamination is { } c)
            return (ThresholdCalibration.ByContamination(scores, c), $"contamination {c} of {scores.Length} fitting rows");
        if (_options.ThresholdQuantile is { } q)
            return (ThresholdCalibration.ByQuantile(scores, q), $"quantile {q} of {scores.Length} fitting scores");
        if (_options.FalsePositiveRate is { } fpr)
            return (ThresholdCalibration.ByFalsePositiveRate(scores, fpr), $"false-positive rate {fpr} on {scores.Length} fitting rows");
        if (_options.ScoreKind == VaeAnomalyScoreKind.ReconstructionError
            && _model.TrainingErrorQuantiles.FirstOrDefault(p => Math.Abs(p.Key - DefaultQuantile) < 1e-9) is { Key: > 0 } stored)
            return ((float)stored.Value, $"the model's stored {DefaultQuantile} training-error quantile");
        return (ThresholdCalibration.ByQuantile(scores, DefaultQuantile), $"quantile {DefaultQuantile} of {scores.Length} fitting scores (default)");
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
