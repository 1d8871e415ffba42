using System.Globalization;
using Vae.MLNet.Onnx.Proto;
using DataType = Vae.MLNet.Onnx.Proto.TensorProto.Types.DataType;

namespace Vae.MLNet.Onnx;

/// <summary>
/// Builds a small ONNX model by hand: float graph inputs and outputs, float/int64 initializers and
/// nodes in topological order. Tensor names are unique in the graph; <see cref="AddNode(string, IReadOnlyList{string}, string, AttributeProto[])"/>
/// returns the name it gave the output, so callers chain nodes by the returned names.
/// </summary>
/// <remarks>
/// A graph output is declared with <see cref="AddOutput(string, IReadOnlyList{long?}, string)"/> and produced by a node whose output name is
/// the declared name (before or after the declaration). Every node input must already exist when the
/// node is added, which catches wiring mistakes at build time instead of in ONNX Runtime.
/// <see cref="Extend"/> appends to an existing graph (a model's, for the featurizer's and the session's
/// post-processing), giving every new node, initializer and intermediate tensor a name prefix so that the
/// additions can be told apart (and removed) later. This is the project's one ONNX writer: the exporter,
/// the featurizer's saved chain, the in-process post-processing and the anomaly score graph all use it.
/// </remarks>
internal sealed class OnnxGraphBuilder
{
    /// <summary>IR version written by <see cref="Build"/> (ONNX 1.10+; read by every ONNX Runtime since 1.10).</summary>
    public const long IrVersion = 8;

    /// <summary>Default-domain opset written by <see cref="Build"/>.</summary>
    public const long OpsetVersion = 17;

    private readonly GraphProto _graph;
    private readonly string _namePrefix;
    private readonly HashSet<string> _usedNames = new(StringComparer.Ordinal);
    private readonly HashSet<string> _availableTensors = new(StringComparer.Ordinal);
    private readonly HashSet<string> _declaredOutputs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _detached = new(StringComparer.Ordinal);
    private int _nodeCount;

    /// <summary>Starts an empty graph called <paramref name="graphName"/>.</summary>
    public OnnxGraphBuilder(string graphName = "graph")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(graphName);
        _graph = new GraphProto { Name = graphName };
        _namePrefix = "";
        Opset = OpsetVersion;
    }

    private OnnxGraphBuilder(GraphProto graph, long opset, string namePrefix)
    {
        _graph = graph;
        _namePrefix = namePrefix;
        Opset = opset;
        foreach (var input in graph.Input) Claim(input.Name);
        foreach (var initializer in graph.Initializer) Claim(initializer.Name);
        foreach (var node in graph.Node)
            foreach (string output in node.Output)
                if (output.Length != 0) Claim(output);
        foreach (var output in graph.Output) _usedNames.Add(output.Name);
        _nodeCount = graph.Node.Count;

        void Claim(string name)
        {
            _usedNames.Add(name);
            _availableTensors.Add(name);
        }
    }

    /// <summary>
    /// A builder that appends to <paramref name="model"/>'s graph in place: its tensors are available as node
    /// inputs, and every name the builder makes starts with <paramref name="namePrefix"/> (declared graph
    /// outputs keep their exact names). Formulas pick ops valid in the model's own default-domain opset.
    /// </summary>
    public static OnnxGraphBuilder Extend(ModelProto model, string namePrefix)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(namePrefix);
        long opset = model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();
        return new OnnxGraphBuilder(model.Graph, opset, namePrefix);
    }

    /// <summary>The default-domain opset the graph is built for (<see cref="OpsetVersion"/>, or the extended model's).</summary>
    public long Opset { get; }

    /// <summary>
    /// Removes graph input <paramref name="name"/>; a later node must produce a tensor of exactly that name
    /// (e.g. an Identity or a sanitising Where from a new input), so the nodes that read it stay wired.
    /// </summary>
    public void DetachInput(string name)
    {
        var input = _graph.Input.SingleOrDefault(i => i.Name == name)
            ?? throw new InvalidOperationException($"Graph '{_graph.Name}' has no input '{name}'.");
        _graph.Input.Remove(input);
        _availableTensors.Remove(name);
        _usedNames.Remove(name);
        _declaredOutputs.Add(name);
        _detached.Add(name);
    }

    /// <summary>
    /// Declares a float32 graph input. A <see langword="null"/> dimension is dynamic: the first is named
    /// <paramref name="dynamicDimensionName"/> (e.g. the batch "N"), later ones get an <c>_axis</c> suffix.
    /// </summary>
    /// <returns>The input name, for use as a node input.</returns>
    public string AddInput(string name, IReadOnlyList<long?> shape, string dynamicDimensionName = "N")
    {
        if (_detached.Contains(name))
            throw new InvalidOperationException($"'{name}' was detached as an input and must be produced by a node.");
        ClaimExactName(name, "graph input");
        _graph.Input.Add(FloatValueInfo(name, shape, dynamicDimensionName));
        _availableTensors.Add(name);
        return name;
    }

    /// <summary>
    /// Declares a float32 graph output. A node must produce a tensor of exactly this name (pass it as the
    /// node's output name); <see cref="Build"/> throws if none does.
    /// </summary>
    public void AddOutput(string name, IReadOnlyList<long?> shape, string dynamicDimensionName = "N")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_declaredOutputs.Add(name))
            throw new InvalidOperationException($"Graph output '{name}' is declared twice.");
        if (_graph.Input.Any(i => i.Name == name))
            throw new InvalidOperationException($"'{name}' is a graph input and cannot also be a graph output; add an Identity node.");
        _graph.Output.Add(FloatValueInfo(name, shape, dynamicDimensionName));
    }

    /// <summary>
    /// Declares a float32 graph output of unstated shape (ONNX Runtime infers it), for outputs appended to
    /// a foreign graph whose shapes the builder does not know.
    /// </summary>
    public void AddOutput(string name)
    {
        AddOutput(name, []);
        _graph.Output[^1].Type.TensorType.Shape = null;
    }

    /// <summary>Adds a float32 constant tensor of shape <paramref name="dims"/> (row-major values).</summary>
    /// <returns>The unique name given to the initializer (<paramref name="nameHint"/>, suffixed if taken).</returns>
    public string AddInitializer(string nameHint, float[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = NewInitializer(nameHint, DataType.Float, values.LongLength, dims);
        tensor.FloatData.AddRange(values);
        return Register(tensor);
    }

    /// <summary>Adds an int64 constant tensor (shapes, axes) of shape <paramref name="dims"/>.</summary>
    /// <returns>The unique name given to the initializer.</returns>
    public string AddInitializer(string nameHint, long[] values, params long[] dims)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = NewInitializer(nameHint, DataType.Int64, values.LongLength, dims);
        tensor.Int64Data.AddRange(values);
        return Register(tensor);
    }

    /// <summary>Adds a float32 scalar (rank 0) constant, broadcastable against any tensor.</summary>
    public string AddScalar(string nameHint, float value) => AddInitializer(nameHint, new[] { value });

    /// <summary>
    /// Adds a node with one output. <paramref name="outputName"/> is used as is when it is a declared
    /// graph output not yet produced, or a free name; otherwise it is suffixed to stay unique.
    /// </summary>
    /// <returns>The output tensor's name.</returns>
    public string AddNode(string opType, IReadOnlyList<string> inputs, string outputName, params AttributeProto[] attributes)
        => AddNode(opType, inputs, new[] { outputName }, attributes)[0];

    /// <summary>Adds a node with several outputs (names resolved as for the single-output overload).</summary>
    /// <returns>The output tensors' names, in order.</returns>
    public IReadOnlyList<string> AddNode(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputNames, params AttributeProto[] attributes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputNames);
        ArgumentNullException.ThrowIfNull(attributes);
        if (outputNames.Count == 0)
            throw new ArgumentException($"A {opType} node needs at least one output.", nameof(outputNames));

        var node = new NodeProto { OpType = opType, Name = NodeName(opType) };
        foreach (string input in inputs)
        {
            // "" marks an omitted optional input in ONNX.
            if (input.Length != 0 && !_availableTensors.Contains(input))
                throw new InvalidOperationException(
                    $"{opType} node '{node.Name}': input '{input}' is not a graph input, initializer or earlier node output.");
            node.Input.Add(input);
        }
        foreach (string hint in outputNames)
        {
            string name = ResolveOutputName(hint);
            node.Output.Add(name);
            _availableTensors.Add(name);
        }
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return node.Output.ToArray();
    }

    /// <summary>
    /// A name not yet used in the graph: the prefix and <paramref name="hint"/>, or <c>hint_1</c>, <c>hint_2</c>, ….
    /// </summary>
    public string UniqueName(string hint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hint);
        hint = _namePrefix + hint;
        string name = hint;
        for (int i = 1; _usedNames.Contains(name) || _declaredOutputs.Contains(name); i++)
            name = string.Create(CultureInfo.InvariantCulture, $"{hint}_{i}");
        _usedNames.Add(name);
        return name;
    }

    /// <summary>
    /// The model: IR version <see cref="IrVersion"/>, default-domain opset <see cref="OpsetVersion"/>,
    /// the producer, and <paramref name="metadata"/> as <c>metadata_props</c>. The builder stays usable.
    /// </summary>
    /// <exception cref="InvalidOperationException">A declared output is produced by no node, or the graph has no output.</exception>
    public ModelProto Build(string producerName, string producerVersion, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(producerName);
        ArgumentNullException.ThrowIfNull(producerVersion);
        CheckComplete();

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = _graph.Clone(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        foreach (var (key, value) in metadata ?? Enumerable.Empty<KeyValuePair<string, string>>())
            OnnxModelFile.SetMetadata(model, key, value, allowReplace: false);
        return model;
    }

    /// <summary>Throws unless the graph has an output and every declared output and detached input is produced.</summary>
    /// <exception cref="InvalidOperationException">A declared output is produced by no node, or the graph has no output.</exception>
    public void CheckComplete()
    {
        if (_graph.Output.Count == 0)
            throw new InvalidOperationException($"Graph '{_graph.Name}' declares no output.");
        var missing = _declaredOutputs.Where(n => !_availableTensors.Contains(n)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"Graph '{_graph.Name}': declared outputs [{string.Join(", ", missing)}] are produced by no node.");
    }

    // Counted from the graph's node count, so an extended graph's new names do not repeat the model's.
    private string NodeName(string opType) =>
        string.Create(CultureInfo.InvariantCulture, $"{_namePrefix}{opType}_{_nodeCount++}");

    private string ResolveOutputName(string hint)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(hint);
        // A declared graph output is produced under its exact name, once.
        if (_declaredOutputs.Contains(hint) && _usedNames.Add(hint))
            return hint;
        return UniqueName(hint);
    }

    private void ClaimExactName(string name, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_usedNames.Contains(name) || _declaredOutputs.Contains(name))
            throw new InvalidOperationException($"Cannot add {what} '{name}': the name is already used in graph '{_graph.Name}'.");
        _usedNames.Add(name);
    }

    private TensorProto NewInitializer(string nameHint, DataType type, long valueCount, long[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long expected = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new ArgumentException($"Initializer '{nameHint}': negative dimension in [{string.Join(", ", dims)}].", nameof(dims));
            expected *= d;
        }
        if (expected != valueCount)
            throw new ArgumentException(
                $"Initializer '{nameHint}': shape [{string.Join(", ", dims)}] holds {expected} values, got {valueCount}.", nameof(dims));
        var tensor = new TensorProto { Name = UniqueName(nameHint), DataType = (int)type };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    private string Register(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        _availableTensors.Add(tensor.Name);
        return tensor.Name;
    }

    private static ValueInfoProto FloatValueInfo(string name, IReadOnlyList<long?> shape, string dynamicDimensionName)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentException.ThrowIfNullOrWhiteSpace(dynamicDimensionName);
        var tensorShape = new TensorShapeProto();
        bool firstDynamic = true;
        for (int axis = 0; axis < shape.Count; axis++)
        {
            long? size = shape[axis];
            if (size is < 0)
                throw new ArgumentException($"'{name}': dimension {axis} is {size}; use null for a dynamic dimension.", nameof(shape));
            var dim = new TensorShapeProto.Types.Dimension();
            if (size.HasValue)
                dim.DimValue = size.Value;
            else
            {
                dim.DimParam = firstDynamic ? dynamicDimensionName : string.Create(CultureInfo.InvariantCulture, $"{dynamicDimensionName}_{axis}");
                firstDynamic = false;
            }
            tensorShape.Dim.Add(dim);
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)DataType.Float, Shape = tensorShape } },
        };
    }
}
