using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Maps images (or pixel vectors) to VAE features: μ, σ and optionally log σ², a sampled z, the
/// reconstruction error, KL and the reconstruction. <see cref="Transform"/> is lazy and batched;
/// <see cref="GetRowToRowMapper"/> serves <c>PredictionEngine</c>. Thread-safe. Saving writes an
/// equivalent chain of ML.NET built-ins (image transforms + <c>ApplyOnnxModel</c>), so the saved model
/// loads anywhere without this assembly; <see cref="LoadFast"/> turns it back into this transformer.
/// </summary>
public sealed class VaeFeaturizerTransformer : ITransformer, IDisposable
{
    private readonly MLContext _ml;
    private readonly bool _ownsModel;
    private readonly VaeSession _session;
    private readonly bool _ownsSession;
    private readonly FeaturizerOutput[] _outputs;
    private readonly object _bindingLock = new();
    private FeaturizerBinding? _lastBinding;
    private volatile bool _disposed;

    internal VaeFeaturizerTransformer(MLContext ml, VaeModel model, bool ownsModel, VaeFeaturizerOptions options, DataViewSchema? fittedSchema)
    {
        _ml = ml;
        Model = model;
        _ownsModel = ownsModel;
        _options = options.Clone();
        VaeFeaturizerEstimator.Validate(_options);
        if ((long)_options.BatchSize * model.PixelCount > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(options), _options.BatchSize,
                $"VaeFeaturizerOptions.BatchSize {_options.BatchSize:N0} × {model.PixelCount:N0} pixels per image of '{model.Source}' exceeds one array's " +
                $"{Array.MaxLength:N0} elements; use a BatchSize of at most {Array.MaxLength / model.PixelCount:N0}.");
        _outputs = FeaturizerOutput.Plan(_options, model);
        FittedInputSchema = fittedSchema;
        _ownsSession = _options.IntraOpNumThreads != null;
        _session = _ownsSession ? model.CreateSession(_options.IntraOpNumThreads) : model.DefaultSession;
    }

    /// <summary>The model this transformer runs.</summary>
    public VaeModel Model { get; }

    private readonly VaeFeaturizerOptions _options;

    /// <summary>The options (a fresh copy on each call; changing it does not change the transformer).</summary>
    public VaeFeaturizerOptions Options => _options.Clone();

    /// <summary>The input schema seen by Fit; the saved model is written for it.</summary>
    internal DataViewSchema? FittedInputSchema { get; }

    /// <summary>True: the featurizer maps each row on its own, so <c>PredictionEngine</c> works.</summary>
    public bool IsRowToRowMapper => true;

    /// <inheritdoc />
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Bind(inputSchema).OutputSchema;

    /// <summary>
    /// Adds the feature columns. Lazy: rows are read and scored in batches of
    /// <see cref="VaeFeaturizerOptions.BatchSize"/> as a cursor moves.
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new VaeFeaturizerDataView(input, Bind(input.Schema), _session, this);
    }

    /// <inheritdoc />
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => new VaeFeaturizerRowMapper(Bind(inputSchema), _session, this);

    /// <summary>
    /// Writes an equivalent chain of ML.NET built-in transformers (image preprocessing, <c>ApplyOnnxModel</c>
    /// over a graph computing exactly these columns, column drops) into <paramref name="ctx"/>.
    /// </summary>
    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ThrowIfDisposed();
        var schema = FittedInputSchema ?? _lastBinding?.InputSchema
            ?? throw new InvalidOperationException("The VAE featurizer cannot be saved before it has seen an input schema (Fit, Transform or GetOutputSchema).");
        using var chain = SavedChain.Build(_ml, this, schema);
        ((ICanSaveModel)chain.Transformer).Save(ctx);
    }

    /// <summary>
    /// Loads a model saved from a <see cref="VaeFeaturizerTransformer"/> (alone or inside a chain) and
    /// returns the fast batched transformer again, rebuilt from the ONNX graph and options embedded in it.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file holds no saved VAE featurizer, or its graph does not match the checksum stored at save.</exception>
    public static VaeFeaturizerTransformer LoadFast(MLContext mlContext, string modelPath)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        return SavedChain.LoadFast(mlContext, modelPath);
    }

    /// <summary>
    /// Checks a saved model for damage before a plain <c>mlContext.Model.Load</c>: every zip entry is read (its CRC-32
    /// checked) and every embedded VAE featurizer graph is compared with the SHA-256 stored at save, which covers the
    /// weights, the post-processing and the options. <see cref="LoadFast"/> does the graph check itself.
    /// </summary>
    /// <returns>The number of featurizer graphs verified (1 for a featurizer, also inside a detector or chain).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, or holds no saved VAE featurizer.</exception>
    public static int Verify(string modelPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return SavedChain.Verify(modelPath);
    }

    internal FeaturizerOutput[] Outputs => _outputs;

    /// <summary>
    /// Called by every row and cursor before it reads or scores: use after Dispose (of this transformer or of its
    /// model) is an <see cref="ObjectDisposedException"/> naming which, never a run on a freed session.
    /// </summary>
    internal void ThrowIfUnusable()
    {
        ThrowIfDisposed();
        Model.ThrowIfDisposed();
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
            throw new ObjectDisposedException(nameof(VaeFeaturizerTransformer),
                "The VAE featurizer was disposed. Note that a PredictionEngine disposes its transformer by default; to share one " +
                "transformer among engines, create them with new PredictionEngineOptions { OwnsTransformer = false }.");
    }

    internal FeaturizerBinding Bind(DataViewSchema inputSchema)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(inputSchema);
        lock (_bindingLock)
        {
            if (_lastBinding != null && ReferenceEquals(_lastBinding.InputSchema, inputSchema))
                return _lastBinding;
        }
        var binding = new FeaturizerBinding(_ml, Model, _options, _outputs, inputSchema);
        lock (_bindingLock)
            _lastBinding = binding;
        return binding;
    }

    /// <summary>
    /// Releases the ONNX Runtime session (and the model, when this transformer loaded it). Rows, cursors and
    /// PredictionEngines made from it then throw <see cref="ObjectDisposedException"/>; a batch already running
    /// finishes first.
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_ownsSession)
            _session.Dispose();
        if (_ownsModel)
            Model.Dispose();
    }
}
