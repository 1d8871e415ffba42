using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>What an output column holds.</summary>
internal enum FeaturizerOutputKind
{
    Mu,
    Sigma,
    LogVar,
    SampledLatent,
    ReconstructionError,
    ReconstructionDivergence,
    Kl,
    Reconstruction,
}

/// <summary>One output column: its name, kind, ML.NET type and slot-name prefix (vectors only).</summary>
internal sealed record FeaturizerOutput(string Name, FeaturizerOutputKind Kind, DataViewType Type, string? SlotPrefix)
{
    public bool IsVector => Type is VectorDataViewType;

    public int Size => Type is VectorDataViewType v ? v.Size : 1;

    /// <summary>The model outputs this column is computed from.</summary>
    public VaeOutputKinds Needs => Kind switch
    {
        FeaturizerOutputKind.Mu => VaeOutputKinds.Mu,
        FeaturizerOutputKind.Sigma => VaeOutputKinds.Sigma,
        FeaturizerOutputKind.LogVar => VaeOutputKinds.LogVar,
        FeaturizerOutputKind.SampledLatent => VaeOutputKinds.Mu | VaeOutputKinds.Sigma,
        FeaturizerOutputKind.ReconstructionError => VaeOutputKinds.ReconstructionError,
        FeaturizerOutputKind.ReconstructionDivergence => VaeOutputKinds.ReconstructionDivergence,
        FeaturizerOutputKind.Kl => VaeOutputKinds.Kl,
        FeaturizerOutputKind.Reconstruction => VaeOutputKinds.Reconstruction,
        _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
    };

    /// <summary>The output columns the options ask for, checked against the model.</summary>
    public static FeaturizerOutput[] Plan(VaeFeaturizerOptions options, VaeModel model)
    {
        var k = new VectorDataViewType(NumberDataViewType.Single, model.LatentDim);
        var list = new List<FeaturizerOutput>();
        void Add(string? name, FeaturizerOutputKind kind, DataViewType type, string? prefix)
        {
            if (string.IsNullOrWhiteSpace(name))
                return;
            if (!model.HasReconstruction && kind is FeaturizerOutputKind.Reconstruction or FeaturizerOutputKind.ReconstructionError or FeaturizerOutputKind.ReconstructionDivergence)
                throw new ArgumentException(
                    $"Output column '{name}' ({kind}) needs a decoder, but '{model.Source}' is an encoder without one (HasReconstruction = false).",
                    nameof(options));
            if (kind == FeaturizerOutputKind.ReconstructionDivergence)
                _ = model.ReconstructionFloor; // fails now, naming the missing likelihood metadata, not at the first batch
            if (list.Any(c => c.Name == name))
                throw new ArgumentException($"Output column name '{name}' is used twice in VaeFeaturizerOptions.", nameof(options));
            list.Add(new FeaturizerOutput(name, kind, type, prefix));
        }
        Add(options.MuColumnName, FeaturizerOutputKind.Mu, k, "mu_");
        Add(options.SigmaColumnName, FeaturizerOutputKind.Sigma, k, "sigma_");
        Add(options.LogVarColumnName, FeaturizerOutputKind.LogVar, k, "logvar_");
        Add(options.SampledLatentColumnName, FeaturizerOutputKind.SampledLatent, k, "z_");
        Add(options.ReconstructionErrorColumnName, FeaturizerOutputKind.ReconstructionError, NumberDataViewType.Single, null);
        Add(options.ReconstructionDivergenceColumnName, FeaturizerOutputKind.ReconstructionDivergence, NumberDataViewType.Single, null);
        Add(options.KlColumnName, FeaturizerOutputKind.Kl, NumberDataViewType.Single, null);
        Add(options.ReconstructionColumnName, FeaturizerOutputKind.Reconstruction,
            new VectorDataViewType(NumberDataViewType.Single, model.Channels, model.Height, model.Width), "pixel_");
        if (list.Count == 0)
            throw new ArgumentException("VaeFeaturizerOptions produces no column: set at least one of the output column names.", nameof(options));
        return [.. list];
    }

    /// <summary>The column's annotations: slot names prefix_0… for vectors.</summary>
    public DataViewSchema.Annotations Annotations()
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (SlotPrefix is { } prefix)
        {
            int size = Size;
            builder.Add("SlotNames", new VectorDataViewType(TextDataViewType.Instance, size), (ValueGetter<VBuffer<ReadOnlyMemory<char>>>)((ref VBuffer<ReadOnlyMemory<char>> dst) =>
            {
                var editor = VBufferEditor.Create(ref dst, size);
                for (int i = 0; i < size; i++)
                    editor.Values[i] = (prefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).AsMemory();
                dst = editor.Commit();
            }));
        }
        return builder.ToAnnotations();
    }
}
