using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// Builds the ONNX graph a saved featurizer scores with: the model's own graph (every name prefixed
/// <c>vae/</c>), fed from the pixel column, plus nodes (named <c>featurizer/…</c>) that compute exactly the
/// featurizer's columns under their column names. <see cref="Restore"/> undoes it, giving back the model.
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

    public static ModelProto Build(VaeModel model, FeaturizerOutput[] outputs, string feedColumn, InvalidPixelHandling invalidPixels,
        string optionsJson, string? mappingJson)
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
        var original = graph.Input.Single(i => i.Name == Prefix + layout.InputName);
        var builder = new Builder(graph);

        // Input: the pixel column, fixed C·H·W so ML.NET's OnnxTransformer accepts a known-size vector.
        graph.Input.Remove(original);
        long[] inputDims = layout.InputRank == 4 ? [-1, layout.Channels, layout.Height, layout.Width] : [-1, layout.PixelCount];
        graph.Input.Add(Builder.Float(feedColumn, inputDims));
        string? badRow = null;
        if (invalidPixels == InvalidPixelHandling.MaximalError)
            badRow = builder.SanitizedInput(feedColumn, original.Name, layout.PixelCount);
        else
            builder.Node("Identity", [feedColumn], original.Name);

        var (mu, logVar, sigma, kl) = LatentTensors(builder, layout);
        int k = layout.LatentDim;
        foreach (var output in outputs)
        {
            string tensor = output.Kind switch
            {
                FeaturizerOutputKind.Mu => mu,
                FeaturizerOutputKind.LogVar => logVar,
                FeaturizerOutputKind.Sigma => sigma,
                FeaturizerOutputKind.Kl => kl,
                FeaturizerOutputKind.ReconstructionError => builder.Column(Prefix + VaeContract.ReconstructionError),
                FeaturizerOutputKind.ReconstructionDivergence => builder.Divergence(Prefix + VaeContract.ReconstructionError, original.Name, model),
                FeaturizerOutputKind.Reconstruction => Prefix + VaeContract.Reconstruction,
                // ONNX has no per-row seeded generator: the saved model draws fresh ε (same distribution).
                FeaturizerOutputKind.SampledLatent => builder.Node("Add", [mu, builder.Node("Mul", [sigma, builder.Node("RandomNormalLike", [mu])])]),
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
                tensor = builder.MarkInvalidRows(tensor, badRow, output.Kind);
            builder.Node("Reshape", [tensor, builder.Int64s("row_shape", dims)], output.Name);
            graph.Output.Add(Builder.Float(output.Name, dims));
        }

        SetMetadata(proto, OptionsKey, optionsJson);
        if (mappingJson != null)
            SetMetadata(proto, MappingKey, mappingJson);
        SetMetadata(proto, FeedKey, feedColumn);
        SetMetadata(proto, OriginalInputKey, Convert.ToBase64String(original.ToByteArray()));
        SetMetadata(proto, ScalarColumnsKey, string.Join(",", outputs.Where(o => !o.IsVector).Select(o => o.Name)));
        return proto;
    }

    /// <summary>μ, log σ², σ, KL as [N, k] / [N, 1] tensors, from the contract outputs or a foreign mapping.</summary>
    private static (string Mu, string LogVar, string Sigma, string Kl) LatentTensors(Builder b, VaeModelLayout layout)
    {
        var mapping = layout.Mapping;
        if (mapping == null)
        {
            string flatMu = b.Node("Flatten", [Prefix + VaeContract.Mu], attributes: [Builder.Int("axis", 1)]);
            string flatLogVar = b.Node("Flatten", [Prefix + VaeContract.LogVar], attributes: [Builder.Int("axis", 1)]);
            string flatSigma = b.Node("Flatten", [Prefix + VaeContract.Sigma], attributes: [Builder.Int("axis", 1)]);
            string klColumn = b.Column(Prefix + VaeContract.Kl);
            return (flatMu, flatLogVar, flatSigma, klColumn);
        }
        int k = layout.LatentDim;
        string mu, logVar;
        if (mapping.MomentsOutput is { } moments)
        {
            string flat = b.Node("Flatten", [Prefix + moments], attributes: [Builder.Int("axis", 1)]);
            mu = b.Node("Slice", [flat, b.Int64s("mu_start", [0]), b.Int64s("mu_end", [k]), b.Int64s("axis1", [1])]);
            logVar = b.Node("Slice", [flat, b.Int64s("logvar_start", [k]), b.Int64s("logvar_end", [2L * k]), b.Int64s("axis1b", [1])]);
        }
        else
        {
            mu = b.Node("Flatten", [Prefix + mapping.MuOutput], attributes: [Builder.Int("axis", 1)]);
            string spread = b.Node("Flatten", [Prefix + mapping.SpreadOutput], attributes: [Builder.Int("axis", 1)]);
            logVar = mapping.SpreadKind switch
            {
                VaeSpreadKind.LogVar => spread,
                VaeSpreadKind.LogSigma => b.Node("Mul", [spread, b.Float("two", 2f)]),
                _ => b.Node("Mul", [b.Node("Log", [spread]), b.Float("two", 2f)]),
            };
        }
        string sigma = b.Node("Exp", [b.Node("Mul", [logVar, b.Float("half", 0.5f)])]);
        // KL = ½ Σ (μ² + σ² − log σ² − 1); the row sum is a MatMul with ones (opset-independent, unlike ReduceSum).
        string terms = b.Node("Sub", [b.Node("Sub", [b.Node("Add", [b.Node("Mul", [mu, mu]), b.Node("Exp", [logVar])]), logVar]), b.Float("one", 1f)]);
        string rowSum = b.Node("MatMul", [terms, b.Floats("ones", [k, 1], Enumerable.Repeat(1f, k).ToArray())]);
        string kl = b.Node("Mul", [rowSum, b.Float("half_kl", 0.5f)]);
        return (mu, logVar, sigma, kl);
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

    /// <summary>Appends nodes and constants named featurizer/… to a graph.</summary>
    private sealed class Builder(GraphProto graph)
    {
        private int _count;

        public string Node(string op, string[] inputs, string? output = null, AttributeProto[]? attributes = null)
        {
            string name = $"{Own}{op}_{_count++}";
            var node = new NodeProto { OpType = op, Name = name };
            node.Input.AddRange(inputs);
            node.Output.Add(output ?? name);
            if (attributes != null)
                node.Attribute.AddRange(attributes);
            graph.Node.Add(node);
            return output ?? name;
        }

        public string Int64s(string name, long[] values)
        {
            var tensor = new TensorProto { Name = $"{Own}{name}_{_count++}", DataType = (int)TensorProto.Types.DataType.Int64 };
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
            graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        public string Float(string name, float value) => Floats(name, [], [value]);

        /// <summary>A per-row scalar [N] as a column [N, 1].</summary>
        public string Column(string tensor) => Node("Reshape", [tensor, Int64s("column", [-1, 1])]);

        public string Floats(string name, long[] dims, float[] values)
        {
            var tensor = new TensorProto { Name = $"{Own}{name}_{_count++}", DataType = (int)TensorProto.Types.DataType.Float };
            tensor.Dims.AddRange(dims);
            tensor.FloatData.AddRange(values);
            graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        /// <summary>
        /// The reconstruction divergence [N, 1] as <see cref="ReconstructionFloor"/> computes it: error − Σ H(x)
        /// (Bernoulli, entropy of the pixels the model saw) or error − D·(log σ + ½ log 2π) (Gaussian), at least 0.
        /// </summary>
        public string Divergence(string error, string modelInput, VaeModel model)
        {
            var floor = model.ReconstructionFloor;
            string errorColumn = Column(error);
            string floorColumn;
            if (floor.Likelihood == VaeLikelihood.Gaussian)
            {
                floorColumn = Float("gaussian_floor", (float)floor.Constant);
            }
            else
            {
                // H(x) = −(x·log max(x, ε) + (1 − x)·log max(1 − x, ε)), summed over the row by a MatMul with ones.
                string x = Node("Flatten", [modelInput], attributes: [Int("axis", 1)]);
                string epsilon = Float("epsilon", ReconstructionFloor.Epsilon);
                string oneMinusX = Node("Sub", [Float("one_pixel", 1f), x]);
                string xLogX = Node("Mul", [x, Node("Log", [Node("Max", [x, epsilon])])]);
                string yLogY = Node("Mul", [oneMinusX, Node("Log", [Node("Max", [oneMinusX, epsilon])])]);
                string negativeEntropy = Node("Add", [xLogX, yLogY]);
                int p = model.PixelCount;
                // error + Σ(x log x + (1−x) log(1−x)) = error − Σ H(x)
                floorColumn = Node("Neg", [Node("MatMul", [negativeEntropy, Floats("ones_entropy", [p, 1], Enumerable.Repeat(1f, p).ToArray())])]);
            }
            return Node("Max", [Node("Sub", [errorColumn, floorColumn]), Float("zero_divergence", 0f)]);
        }

        /// <summary>
        /// InvalidPixelHandling.MaximalError in ONNX: NaN/Inf pixels are zeroed before the model sees them,
        /// and a [N, 1] bool tensor marks the rows that had any.
        /// </summary>
        public string SanitizedInput(string feed, string modelInput, int pixelCount)
        {
            string bad = Node("Or", [Node("IsNaN", [feed]), Node("IsInf", [feed])]);
            Node("Where", [bad, Float("zero", 0f), feed], modelInput);
            string badFloat = Node("Flatten", [Node("Cast", [bad], attributes: [Int("to", (int)TensorProto.Types.DataType.Float)])],
                attributes: [Int("axis", 1)]);
            string count = Node("MatMul", [badFloat, Floats("ones_pixels", [pixelCount, 1], Enumerable.Repeat(1f, pixelCount).ToArray())]);
            return Node("Greater", [count, Float("zero_count", 0f)]);
        }

        /// <summary>Rows with invalid pixels: scores float.MaxValue, features NaN (as the in-process transformer).</summary>
        public string MarkInvalidRows(string tensor, string badRow, FeaturizerOutputKind kind)
        {
            if (kind is FeaturizerOutputKind.ReconstructionError or FeaturizerOutputKind.ReconstructionDivergence or FeaturizerOutputKind.Kl)
                return Node("Where", [badRow, Float("max", float.MaxValue), tensor]);
            string mask = kind == FeaturizerOutputKind.Reconstruction
                ? Node("Reshape", [badRow, Int64s("image_mask", [-1, 1, 1, 1])])
                : badRow;
            return Node("Where", [mask, Float("nan", float.NaN), tensor]);
        }

        public static AttributeProto Int(string name, long value) =>
            new() { Name = name, I = value, Type = AttributeProto.Types.AttributeType.Int };

        public static ValueInfoProto Float(string name, long[] dims)
        {
            var shape = new TensorShapeProto();
            foreach (long d in dims)
                shape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "N" } : new TensorShapeProto.Types.Dimension { DimValue = d });
            return new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
            };
        }
    }
}
