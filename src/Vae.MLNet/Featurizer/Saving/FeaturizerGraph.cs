using Google.Protobuf;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// Builds the ONNX graph a saved featurizer scores with: the model's own graph (every name prefixed
/// <c>vae/</c>), fed from the pixel column, plus the post-processing of <see cref="VaeOutputNodes"/> (the
/// nodes the in-process session runs; new names start <c>featurizer/</c>) reshaped to the featurizer's
/// columns under their column names. <see cref="Restore"/> undoes it, giving back the model.
/// </summary>
internal static class FeaturizerGraph
{
    public const string Prefix = "vae/";
    private const string Own = "featurizer/";
    public const string OptionsKey = "vae.featurizer.options";
    public const string MappingKey = "vae.featurizer.mapping";
    public const string FeedKey = "vae.featurizer.feed";
    public const string OriginalInputKey = "vae.featurizer.original_input";
    public const string ScalarColumnsKey = "vae.featurizer.scalar_columns";
    /// <summary>SHA-256 (hex) of the serialized graph without this entry: weights, nodes, options and every other metadata.</summary>
    public const string ChecksumKey = "vae.featurizer.sha256";

    /// <summary>
    /// The graph; with <paramref name="argbFeed"/> the feed is ML.NET's ExtractPixels output (premultiplied A, R, G, B
    /// planes, unscaled) and the graph repeats the model's composite and colour steps (<see cref="PreprocessingNodes"/>).
    /// </summary>
    public static ModelProto Build(VaeModel model, FeaturizerOutput[] outputs, string feedColumn, InvalidPixelHandling invalidPixels,
        string optionsJson, string? mappingJson, VaeImagePreprocessing? argbFeed = null)
    {
        var proto = ModelProto.Parser.ParseFrom(model.OnnxBytes);
        long opset = proto.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        if (opset < 10)
            throw new NotSupportedException($"Saving needs a model with ONNX opset ≥ 10 (for Slice); '{model.Source}' uses opset {opset}.");
        var graph = proto.Graph;
        foreach (var output in outputs)
            if (output.Name == feedColumn)
                throw new InvalidOperationException($"Output column '{output.Name}' has the same name as the input column it is computed from; rename it to save the model.");

        Rename(graph, name => Prefix + name);
        var layout = model.Layout;
        string modelInput = Prefix + layout.InputName;
        var original = graph.Input.Single(i => i.Name == modelInput);
        var ranks = graph.Output.ToDictionary(o => o.Name, o => o.Type?.TensorType?.Shape?.Dim.Count ?? -1, StringComparer.Ordinal);
        var b = OnnxGraphBuilder.Extend(proto, Own);

        // Input: the pixel column, fixed C·H·W so ML.NET's OnnxTransformer accepts a known-size vector.
        b.DetachInput(modelInput);
        long?[] inputDims = layout.InputRank == 4 ? [null, layout.Channels, layout.Height, layout.Width] : [null, layout.PixelCount];
        string? badRow = null;
        if (argbFeed != null)
        {
            // Preprocessed bytes are valid pixels by construction: no NaN handling needed.
            b.AddInput(feedColumn, [null, 4, layout.Height, layout.Width]);
            if (layout.InputRank == 4)
            {
                PreprocessingNodes.Add(b, argbFeed, feedColumn, modelInput);
            }
            else
            {
                string planar = b.UniqueName("preprocessed");
                PreprocessingNodes.Add(b, argbFeed, feedColumn, planar);
                b.AddNode("Reshape", [planar, b.AddInitializer("input_shape", [-1L, layout.PixelCount], 2)], modelInput);
            }
        }
        else if (invalidPixels == InvalidPixelHandling.MaximalError)
        {
            b.AddInput(feedColumn, inputDims);
            badRow = SanitizedInput(b, feedColumn, modelInput);
        }
        else
        {
            b.AddInput(feedColumn, inputDims);
            b.AddNode("Identity", [feedColumn], modelInput);
        }

        var nodes = new VaeOutputNodes(b, model, Prefix, modelInput, ranks);
        int k = layout.LatentDim;
        foreach (var output in outputs)
        {
            string tensor = output.Kind switch
            {
                FeaturizerOutputKind.Mu => nodes.Mu,
                FeaturizerOutputKind.LogVar => nodes.LogVar,
                FeaturizerOutputKind.Sigma => nodes.Sigma,
                FeaturizerOutputKind.Kl => nodes.Kl,
                FeaturizerOutputKind.ReconstructionError => nodes.ReconstructionError,
                FeaturizerOutputKind.ReconstructionDivergence => nodes.ReconstructionDivergence,
                FeaturizerOutputKind.Reconstruction => nodes.Reconstruction,
                // ONNX has no per-row seeded generator: the saved model draws fresh ε (same distribution).
                FeaturizerOutputKind.SampledLatent => b.AddNode("Add", [nodes.Mu, b.AddNode("Mul", [nodes.Sigma, b.AddNode("RandomNormalLike", [nodes.Mu], "epsilon")], "sigma_epsilon")], "z"),
                _ => throw new ArgumentOutOfRangeException(nameof(outputs), output.Kind, null),
            };
            // ML.NET's OnnxTransformer feeds one row at a time and turns each output's declared shape into the
            // column type (keeping a leading batch dimension as a "1" axis). Reshaping to the per-row shape
            // makes the columns Vector<Single, k> and Vector<Single, C, H, W> exactly as the transformer's.
            long[] dims = output.Kind switch
            {
                FeaturizerOutputKind.Reconstruction => [layout.Channels, layout.Height, layout.Width],
                FeaturizerOutputKind.ReconstructionError or FeaturizerOutputKind.ReconstructionDivergence or FeaturizerOutputKind.Kl => [1],
                _ => [k],
            };
            if (badRow != null)
                tensor = MarkInvalidRows(b, tensor, badRow, output.Kind, ranks.GetValueOrDefault(nodes.Reconstruction, 4));
            b.AddOutput(output.Name, dims.Select(d => (long?)d).ToArray());
            b.AddNode("Reshape", [tensor, b.AddInitializer("row_shape", dims, dims.Length)], output.Name);
        }
        b.CheckComplete();

        SetMetadata(proto, OptionsKey, optionsJson);
        if (mappingJson != null)
            SetMetadata(proto, MappingKey, mappingJson);
        SetMetadata(proto, FeedKey, feedColumn);
        SetMetadata(proto, OriginalInputKey, Convert.ToBase64String(original.ToByteArray()));
        SetMetadata(proto, ScalarColumnsKey, string.Join(",", outputs.Where(o => !o.IsVector).Select(o => o.Name)));
        SetMetadata(proto, ChecksumKey, Checksum(proto)); // last: it covers everything above
        return proto;
    }

    /// <summary>
    /// SHA-256 of <paramref name="proto"/> serialized without the checksum entry. Google.Protobuf writes fields in
    /// number order and keeps unknown fields, so parsing and re-serializing the saved bytes gives the bytes hashed at save.
    /// </summary>
    private static string Checksum(ModelProto proto)
    {
        var copy = proto.Clone();
        foreach (var entry in copy.MetadataProps.Where(e => e.Key == ChecksumKey).ToList())
            copy.MetadataProps.Remove(entry);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(copy.ToByteArray()));
    }

    /// <summary>
    /// Checks the graph against its stored checksum: a flipped bit in the weights, the post-processing or the
    /// stored options would otherwise change the outputs without any error.
    /// </summary>
    /// <exception cref="InvalidDataException">No checksum, or a different one; names <paramref name="where"/>.</exception>
    public static void VerifyChecksum(ModelProto proto, string where)
    {
        string? stored = Metadata(proto, ChecksumKey);
        if (stored == null)
            throw new InvalidDataException(
                $"'{where}': the saved VAE featurizer graph has no '{ChecksumKey}' checksum (saved by an older Vae.MLNet, or damaged); save the model again.");
        string actual = Checksum(proto);
        if (!string.Equals(stored, actual, StringComparison.Ordinal))
            throw new InvalidDataException(
                $"'{where}': the saved VAE featurizer graph is damaged: its SHA-256 is {actual}, but {ChecksumKey} says {stored}. " +
                "Restore the file from a good copy or save the model again.");
    }

    /// <summary>
    /// InvalidPixelHandling.MaximalError in ONNX: NaN/Inf pixels are zeroed before the model sees them,
    /// and an [N] bool tensor marks the rows that had any.
    /// </summary>
    private static string SanitizedInput(OnnxGraphBuilder b, string feed, string modelInput)
    {
        string bad = b.AddNode("Or", [b.AddNode("IsNaN", [feed], "is_nan"), b.AddNode("IsInf", [feed], "is_inf")], "bad_pixel");
        b.AddNode("Where", [bad, b.AddScalar("zero", 0f), feed], modelInput);
        string badFloat = VaeFormulas.Flatten(b, b.AddNode("Cast", [bad], "bad_pixel_float", OnnxAttribute.Int("to", (int)TensorProto.Types.DataType.Float)), "bad_pixel_flat");
        return b.AddNode("Greater", [VaeFormulas.RowSum(b, badFloat, "bad_pixel_count"), b.AddScalar("zero_count", 0f)], "bad_row");
    }

    /// <summary>Rows with invalid pixels: scores float.MaxValue, features NaN (as the in-process transformer).</summary>
    private static string MarkInvalidRows(OnnxGraphBuilder b, string tensor, string badRow, FeaturizerOutputKind kind, int reconstructionRank)
    {
        if (kind is FeaturizerOutputKind.ReconstructionError or FeaturizerOutputKind.ReconstructionDivergence or FeaturizerOutputKind.Kl)
            return b.AddNode("Where", [badRow, b.AddScalar("max", float.MaxValue), tensor], "marked_score");
        long[] maskShape = kind == FeaturizerOutputKind.Reconstruction
            ? [-1, .. Enumerable.Repeat(1L, Math.Max(1, reconstructionRank - 1))]
            : [-1, 1];
        string mask = b.AddNode("Reshape", [badRow, b.AddInitializer("mask_shape", maskShape, maskShape.Length)], "bad_row_mask");
        return b.AddNode("Where", [mask, b.AddScalar("nan", float.NaN), tensor], "marked_feature");
    }

    /// <summary>Undoes <see cref="Build"/>: the model's own graph, names and metadata.</summary>
    public static byte[] Restore(ModelProto proto)
    {
        var graph = proto.Graph;
        string feed = Metadata(proto, FeedKey) ?? throw new InvalidDataException("The embedded ONNX graph is not a saved VAE featurizer (no feed metadata).");
        var original = ValueInfoProto.Parser.ParseFrom(Convert.FromBase64String(Metadata(proto, OriginalInputKey)!));
        foreach (var node in graph.Node.Where(n => n.Name.StartsWith(Own, StringComparison.Ordinal)).ToList())
            graph.Node.Remove(node);
        foreach (var init in graph.Initializer.Where(i => i.Name.StartsWith(Own, StringComparison.Ordinal)).ToList())
            graph.Initializer.Remove(init);
        foreach (var output in graph.Output.Where(o => !o.Name.StartsWith(Prefix, StringComparison.Ordinal)).ToList())
            graph.Output.Remove(output);
        graph.Input.Remove(graph.Input.Single(i => i.Name == feed));
        graph.Input.Insert(0, original);
        Rename(graph, name => name.StartsWith(Prefix, StringComparison.Ordinal) ? name[Prefix.Length..] : name);
        foreach (var entry in proto.MetadataProps.Where(e => e.Key.StartsWith("vae.featurizer.", StringComparison.Ordinal)).ToList())
            proto.MetadataProps.Remove(entry);
        return proto.ToByteArray();
    }

    public static string? Metadata(ModelProto proto, string key) => proto.MetadataProps.FirstOrDefault(e => e.Key == key)?.Value;

    private static void SetMetadata(ModelProto proto, string key, string value)
    {
        if (proto.MetadataProps.FirstOrDefault(e => e.Key == key) is { } existing)
            proto.MetadataProps.Remove(existing);
        proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    /// <summary>Renames every tensor name of the graph (and of nested graphs) consistently; empty names (absent optional inputs) stay empty.</summary>
    private static void Rename(GraphProto graph, Func<string, string> rename)
    {
        string R(string name) => name.Length == 0 ? name : rename(name);
        foreach (var node in graph.Node)
        {
            for (int i = 0; i < node.Input.Count; i++) node.Input[i] = R(node.Input[i]);
            for (int i = 0; i < node.Output.Count; i++) node.Output[i] = R(node.Output[i]);
            foreach (var attribute in node.Attribute)
            {
                if (attribute.G != null) Rename(attribute.G, rename);
                foreach (var g in attribute.Graphs) Rename(g, rename);
            }
        }
        foreach (var init in graph.Initializer) init.Name = R(init.Name);
        foreach (var info in graph.Input) info.Name = R(info.Name);
        foreach (var info in graph.Output) info.Name = R(info.Name);
        foreach (var info in graph.ValueInfo) info.Name = R(info.Name);
    }
}
