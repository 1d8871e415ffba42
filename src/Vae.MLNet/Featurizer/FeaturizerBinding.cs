using Microsoft.ML;

namespace Vae.MLNet;

/// <summary>
/// The featurizer bound to one input schema: the input kind, the image preprocessing (if any), and the
/// output schema (the input columns followed by the produced columns).
/// </summary>
internal sealed class FeaturizerBinding
{
    public FeaturizerBinding(MLContext ml, VaeModel model, VaeFeaturizerOptions options, FeaturizerOutput[] outputs, DataViewSchema inputSchema)
    {
        Model = model;
        Options = options;
        Outputs = outputs;
        InputSchema = inputSchema;
        InputKind = FeaturizerInput.Classify(inputSchema, options.InputColumnName, model, options.Resizing);
        InputColumnIndex = inputSchema[options.InputColumnName].Index;
        Resizing = InputKind is FeaturizerInputKind.Image or FeaturizerInputKind.ContractImage
            ? FeaturizerInput.EffectiveResizing(model, options.Resizing, options.InputColumnName)
            : VaeImageResizing.None;
        PixelColumnName = options.InputColumnName;
        if (InputKind == FeaturizerInputKind.Image)
        {
            PixelColumnName = $"{options.InputColumnName}.vae-pixels";
            Preprocessor = FeaturizerInput.ImagePreprocessing(ml, options.InputColumnName, PixelColumnName, model, Resizing)
                .Fit(new EmptyDataView(inputSchema));
        }
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var output in outputs)
            builder.AddColumn(output.Name, output.Type, output.Annotations());
        OutputSchema = builder.ToSchema();
    }

    public VaeModel Model { get; }
    public VaeFeaturizerOptions Options { get; }
    public FeaturizerOutput[] Outputs { get; }
    public DataViewSchema InputSchema { get; }
    public DataViewSchema OutputSchema { get; }
    public FeaturizerInputKind InputKind { get; }
    public int InputColumnIndex { get; }

    /// <summary>The resizing image input gets (AsTrained resolved; None for vector input).</summary>
    public VaeImageResizing Resizing { get; }

    /// <summary>The column of the source view that holds the C·H·W floats (the input itself, or the preprocessed pixels).</summary>
    public string PixelColumnName { get; }

    /// <summary>ML.NET image transforms for image input of v1/foreign models; null for vector input and contract images.</summary>
    public ITransformer? Preprocessor { get; }

    /// <summary>Number of input columns; output column i &lt; this passes input column i through.</summary>
    public int PassThroughCount => InputSchema.Count;

    /// <summary>The output produced at output-schema index <paramref name="index"/>, or null for a pass-through column.</summary>
    public FeaturizerOutput? OutputAt(int index) => index >= PassThroughCount ? Outputs[index - PassThroughCount] : null;

    /// <summary>The view the cursor reads: the input, plus the pixel column for image input.</summary>
    public IDataView SourceView(IDataView input) => Preprocessor?.Transform(input) ?? input;

    /// <summary>The source columns needed: active pass-through columns, plus the pixel (and image) column when any output is active.</summary>
    public List<DataViewSchema.Column> SourceColumns(DataViewSchema sourceSchema, Func<int, bool> isActive, out List<FeaturizerOutputKind> activeKinds)
    {
        var columns = new List<DataViewSchema.Column>();
        activeKinds = [];
        for (int i = 0; i < PassThroughCount; i++)
            if (isActive(i))
                columns.Add(sourceSchema[i]);
        for (int i = 0; i < Outputs.Length; i++)
            if (isActive(PassThroughCount + i))
                activeKinds.Add(Outputs[i].Kind);
        if (activeKinds.Count > 0)
        {
            columns.Add(sourceSchema[PixelColumnName]);
            if (InputKind == FeaturizerInputKind.Image)
                columns.Add(sourceSchema[InputColumnIndex]); // the ML.NET chain reads it; PixelReader checks its size
        }
        return columns;
    }
}
