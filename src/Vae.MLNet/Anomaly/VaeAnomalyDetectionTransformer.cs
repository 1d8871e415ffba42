using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Vae.MLNet;

/// <summary>
/// A fitted VAE anomaly detector: adds <c>Score</c> (Single, larger = more anomalous) and
/// <c>PredictedLabel</c> (Boolean, Score &gt; <see cref="Threshold"/>). It is a chain of the batched VAE
/// featurizer and ML.NET built-ins (concatenation or <c>ApplyOnnxModel</c> over a small scoring graph, a
/// linear binary predictor with unit weights that thresholds, a column drop); saving writes that chain with
/// the featurizer's own built-in equivalent, so the saved model loads in any MLContext without this
/// assembly and computes the same Score and PredictedLabel.
/// </summary>
/// <remarks>
/// Evaluate with <c>mlContext.AnomalyDetection.Evaluate(scored, labelColumnName, "Score", "PredictedLabel")</c>;
/// ML.NET's anomaly evaluator wants the label as Single (1 = anomaly, 0 = normal) or a two-valued key, not Boolean.
/// </remarks>
public sealed class VaeAnomalyDetectionTransformer : ITransformer, IDisposable
{
    private readonly MLContext _ml;
    private readonly VaeFeaturizerTransformer _featurizer;
    private readonly ITransformer _scoreVector;
    private readonly BinaryPredictionTransformer<LinearBinaryModelParameters> _scorer;
    private readonly ITransformer _drop;
    private readonly TransformerChain<ITransformer> _chain;
    private readonly float[] _fittedScores;
    private readonly Lifetime _resources;
    private readonly Lifetime _lifetime;

    internal VaeAnomalyDetectionTransformer(MLContext ml, VaeFeaturizerTransformer featurizer, ITransformer scoreVector,
        BinaryPredictionTransformer<LinearBinaryModelParameters> scorer, ITransformer drop, AnomalyScoreFunction function,
        float threshold, string thresholdRule, float[] fittedScores)
        : this(ml, featurizer, scoreVector, scorer, drop, function, threshold, thresholdRule, fittedScores, SharedResources(featurizer, scoreVector), null)
    {
    }

    // resources: the featurizer and score graph, shared with the detectors made by WithThreshold;
    // resourceLease: this detector's hold on them, null for the first detector (which holds the owner's reference).
    private VaeAnomalyDetectionTransformer(MLContext ml, VaeFeaturizerTransformer featurizer, ITransformer scoreVector,
        BinaryPredictionTransformer<LinearBinaryModelParameters> scorer, ITransformer drop, AnomalyScoreFunction function,
        float threshold, string thresholdRule, float[] fittedScores, Lifetime resources, IDisposable? resourceLease)
    {
        _resources = resources;
        // Disposing this detector ends its hold on the shared sessions once its own rows and cursors are done.
        _lifetime = new Lifetime(nameof(VaeAnomalyDetectionTransformer),
            () => "The VAE anomaly detector was disposed. Note that a PredictionEngine disposes its transformer by default; to share one " +
                  "transformer among engines, create them with new PredictionEngineOptions { OwnsTransformer = false }.",
            resourceLease is null ? resources.Dispose : resourceLease.Dispose);
        _ml = ml;
        _featurizer = featurizer;
        _scoreVector = scoreVector;
        _scorer = scorer;
        _drop = drop;
        Function = function;
        Threshold = threshold;
        ThresholdRule = thresholdRule;
        _fittedScores = fittedScores;
        _chain = new TransformerChain<ITransformer>(featurizer, scoreVector, scorer, drop);
    }

    /// <summary>The sessions of the featurizer and the score graph, freed when the last detector sharing them and its rows are done.</summary>
    private static Lifetime SharedResources(VaeFeaturizerTransformer featurizer, ITransformer scoreVector) =>
        new(nameof(VaeAnomalyDetectionTransformer), () => "The VAE anomaly detector's sessions were released.", () =>
        {
            featurizer.Dispose();
            (scoreVector as IDisposable)?.Dispose();
        });

    /// <summary>A row is flagged (PredictedLabel = true) when its Score is greater than this.</summary>
    public float Threshold { get; }

    /// <summary>How <see cref="Threshold"/> was chosen, e.g. "contamination 0.1 of 500 fitting rows".</summary>
    public string ThresholdRule { get; }

    /// <summary>What the score measures.</summary>
    public VaeAnomalyScoreKind ScoreKind => Function.Kind;

    /// <summary>The VAE the detector runs.</summary>
    public VaeModel Model => _featurizer.Model;

    /// <summary>
    /// The scores of the fitting data, in row order (what the threshold was calibrated on); rows with NaN or
    /// infinite pixels (InvalidPixelHandling.MaximalError) are not among them.
    /// </summary>
    public IReadOnlyList<float> FittedScores => _fittedScores;

    internal AnomalyScoreFunction Function { get; }

    /// <summary>The batched featurizer at the head of the chain.</summary>
    internal VaeFeaturizerTransformer Featurizer => _featurizer;

    /// <summary>The built-in tail of the chain: featurizer columns → Score, PredictedLabel (intermediate columns dropped).</summary>
    internal TransformerChain<ITransformer> ScoringTail => new(_scoreVector, _scorer, _drop);

    /// <summary>True: each row is scored on its own, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => ((ITransformer)_chain).IsRowToRowMapper;

    /// <summary>
    /// The same detector with another threshold (the score is unchanged), like ML.NET's
    /// <c>ChangeModelThreshold</c>. The two share the featurizer and its sessions, which are released when both
    /// are disposed (each may be disposed in any order).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is NaN or infinite.</exception>
    public VaeAnomalyDetectionTransformer WithThreshold(float threshold)
    {
        _lifetime.ThrowIfDisposed();
        var scorer = IdentityThresholdScorer.WithThreshold(_ml, _scorer, threshold);
        return new(_ml, _featurizer, _scoreVector, scorer, _drop, Function,
            threshold, $"set to {threshold.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} by WithThreshold", _fittedScores,
            _resources, _resources.Share());
    }

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        _lifetime.ThrowIfDisposed();
        return _chain.GetOutputSchema(inputSchema);
    }

    /// <summary>Adds Score and PredictedLabel; lazy, the VAE runs in batches as a cursor moves.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _lifetime.ThrowIfDisposed();
        return LeasedRows.View(_chain.Transform(input), _lifetime);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        _lifetime.ThrowIfDisposed();
        return LeasedRows.Mapper(((ITransformer)_chain).GetRowToRowMapper(inputSchema), _lifetime);
    }

    /// <summary>Writes the chain; the featurizer writes its built-in equivalent.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        _lifetime.ThrowIfDisposed();
        ((ICanSaveModel)_chain).Save(ctx);
    }

    /// <summary>
    /// Releases the featurizer's session and the scoring graph's ONNX Runtime session (once no detector made by
    /// <see cref="WithThreshold"/> shares them). Views, rows and PredictionEngines made from this detector then
    /// throw <see cref="ObjectDisposedException"/>; the sessions are freed when the last of their cursors and rows is disposed.
    /// </summary>
    public void Dispose() => _lifetime.Dispose();
}
