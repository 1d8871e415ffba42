using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Estimator for <see cref="VaeFeaturizerTransformer"/>. Nothing is learned: <see cref="Fit"/> checks the
/// input column and that the data has rows, and returns the transformer. Create it with
/// <c>mlContext.Transforms.VaeFeaturize(...)</c>.
/// </summary>
public sealed class VaeFeaturizerEstimator : IEstimator<VaeFeaturizerTransformer>
{
    private readonly MLContext _ml;
    private readonly VaeModel _model;
    private readonly bool _ownsModel;
    private readonly VaeFeaturizerOptions _options;
    private readonly FeaturizerOutput[] _outputs;

    internal VaeFeaturizerEstimator(MLContext ml, VaeModel model, bool ownsModel, VaeFeaturizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        _ml = ml;
        _model = model;
        _ownsModel = ownsModel;
        _options = options.Clone();
        Validate(_options);
        _outputs = FeaturizerOutput.Plan(_options, model);
    }

    /// <summary>The model the transformer will run.</summary>
    public VaeModel Model => _model;

    /// <summary>Checks the input column (present; an image or a Single vector) and adds the output columns.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        FeaturizerInput.Check(inputSchema, _options.InputColumnName, _model);
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var output in _outputs)
            columns[output.Name] = SchemaShapes.Column(output.Name,
                output.IsVector ? SchemaShape.Column.VectorKind.Vector : SchemaShape.Column.VectorKind.Scalar,
                NumberDataViewType.Single, output.SlotPrefix != null);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Validates the input (column type and size; at least one row) and returns the transformer.</summary>
    /// <exception cref="ArgumentException">The input column is missing or of the wrong type or size.</exception>
    /// <exception cref="InvalidOperationException">The data view has no rows.</exception>
    public VaeFeaturizerTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        FeaturizerInput.Classify(input.Schema, _options.InputColumnName, _model, _options.Resizing);
        if (IsEmpty(input))
            throw new InvalidOperationException(
                $"Cannot fit the VAE featurizer on an empty data view (0 rows in column '{_options.InputColumnName}'); expected at least one row.");
        // An estimator that loaded its model hands each transformer its own copy, so disposing one
        // transformer never breaks another fitted from the same estimator.
        var model = _ownsModel ? _model.Copy() : _model;
        return new VaeFeaturizerTransformer(_ml, model, _ownsModel, _options, input.Schema);
    }

    private static bool IsEmpty(IDataView input)
    {
        if (input.GetRowCount() is long count)
            return count == 0;
        using var cursor = input.GetRowCursor([]);
        return !cursor.MoveNext();
    }

    internal static void Validate(VaeFeaturizerOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.InputColumnName))
            throw new ArgumentException("VaeFeaturizerOptions.InputColumnName must name the image or pixel-vector column.", nameof(options));
        if (options.BatchSize < 1 || options.BatchSize > VaeFeaturizerOptions.MaxBatchSize)
            throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize,
                $"VaeFeaturizerOptions.BatchSize must be at least 1 and at most {VaeFeaturizerOptions.MaxBatchSize:N0} (VaeFeaturizerOptions.MaxBatchSize); got {options.BatchSize:N0}.");
        if (options.IntraOpNumThreads is < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.IntraOpNumThreads, "VaeFeaturizerOptions.IntraOpNumThreads must be at least 1 (or null for automatic).");
    }
}
