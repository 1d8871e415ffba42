using System.Collections.Concurrent;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// ONNX Runtime sessions over a VAE for in-process scoring. Each set of requested outputs gets its own
/// graph, built once: the model's graph plus the post-processing of <see cref="VaeOutputNodes"/> (the same
/// nodes the featurizer's saved chain embeds, so both paths compute every column alike), pruned to the
/// nodes those outputs need — ONNX Runtime runs every node of a graph whatever is fetched, so μ alone does
/// not pay for the decoder. Thread-safe: ORT's Run is.
/// </summary>
internal sealed class VaeSession : IDisposable
{
    /// <summary>Internal request for the per-pixel error terms (the error map); not a public output kind.</summary>
    internal const VaeOutputKinds ErrorTerms = (VaeOutputKinds)(1 << 16);

    private const string PostProcessingPrefix = "vae.mlnet/";
    private const VaeOutputKinds DecoderKinds =
        VaeOutputKinds.Reconstruction | VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence | ErrorTerms;

    private static readonly VaeOutputKinds[] KindOrder =
    [
        VaeOutputKinds.Mu, VaeOutputKinds.LogVar, VaeOutputKinds.Sigma, VaeOutputKinds.Reconstruction,
        VaeOutputKinds.ReconstructionError, VaeOutputKinds.ReconstructionDivergence, VaeOutputKinds.Kl, ErrorTerms,
    ];

    private readonly VaeModel _model;
    private readonly ConcurrentDictionary<VaeOutputKinds, Lazy<CompiledGraph>> _graphs = new();
    private readonly Lifetime _lifetime;

    public VaeSession(VaeModel model, int? intraOpNumThreads)
    {
        _model = model;
        // Each Run holds a lease, so a Dispose racing a Run frees the ORT sessions only after that Run returns.
        _lifetime = new Lifetime(nameof(VaeModel),
            () => $"The ONNX Runtime session of VAE '{model.Source}' was disposed (with its VaeModel, or the featurizer or detector that owned it).",
            ReleaseGraphs);
        IntraOpNumThreads = intraOpNumThreads ?? DefaultIntraOpNumThreads;
        if (IntraOpNumThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(intraOpNumThreads), intraOpNumThreads, "IntraOpNumThreads must be at least 1.");
    }

    /// <summary>Default intra-op threads: all cores (we hand ORT one batch at a time from a single cursor).</summary>
    public static int DefaultIntraOpNumThreads => Math.Max(1, Environment.ProcessorCount);

    public int IntraOpNumThreads { get; }

    public VaeBatchResult Run(ReadOnlyMemory<float> pixels, int rows, VaeOutputKinds kinds)
    {
        using var lease = _lifetime.Acquire();
        var layout = _model.Layout;
        int p = layout.PixelCount, k = layout.LatentDim;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (pixels.Length < (long)rows * p)
            throw new ArgumentException($"Pixel buffer holds {pixels.Length} values, but {rows} rows of {layout.Channels}x{layout.Height}x{layout.Width} need {(long)rows * p}.", nameof(pixels));
        if (layout.Mapping != null && (kinds & DecoderKinds) != 0)
            throw new ArgumentException($"'{_model.Source}' is an encoder without decoder; it has no reconstruction or reconstruction error.", nameof(kinds));

        var result = new VaeBatchResult(rows, k, p);
        var requested = KindOrder.Where(kind => kinds.HasFlag(kind)).ToArray();
        if (requested.Length == 0)
            return result;
        var graph = _graphs.GetOrAdd(kinds, key => new Lazy<CompiledGraph>(() => Compile(key), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
        using var raw = RunRaw(graph.Session, layout, pixels, rows, graph.OutputNames, _model.Source);
        for (int i = 0; i < requested.Length; i++)
        {
            string name = graph.OutputNames[i];
            switch (requested[i])
            {
                case VaeOutputKinds.Mu: result.Mu = raw.Copy(name, rows * k); break;
                case VaeOutputKinds.LogVar: result.LogVar = raw.Copy(name, rows * k); break;
                case VaeOutputKinds.Sigma: result.Sigma = raw.Copy(name, rows * k); break;
                case VaeOutputKinds.Reconstruction: result.Reconstruction = raw.Copy(name, rows * p); break;
                case VaeOutputKinds.ReconstructionError: result.ReconstructionError = raw.Copy(name, rows); break;
                case VaeOutputKinds.ReconstructionDivergence: result.ReconstructionDivergence = raw.Copy(name, rows); break;
                case VaeOutputKinds.Kl: result.Kl = raw.Copy(name, rows); break;
                default: result.ErrorTerms = raw.Copy(name, rows * p); break;
            }
        }
        return result;
    }

    /// <summary>The model's graph with the post-processing for <paramref name="kinds"/>, pruned, in a new ORT session.</summary>
    private CompiledGraph Compile(VaeOutputKinds kinds)
    {
        var proto = ModelProto.Parser.ParseFrom(_model.OnnxBytes);
        var graph = proto.Graph;
        var modelOutputs = graph.Output.ToDictionary(o => o.Name, StringComparer.Ordinal);
        var ranks = modelOutputs.ToDictionary(o => o.Key, o => o.Value.Type?.TensorType?.Shape?.Dim.Count ?? -1, StringComparer.Ordinal);
        var builder = OnnxGraphBuilder.Extend(proto, PostProcessingPrefix);
        var nodes = new VaeOutputNodes(builder, _model, "", _model.Layout.InputName, ranks);

        graph.Output.Clear();
        var names = new List<string>();
        foreach (var kind in KindOrder.Where(kind => kinds.HasFlag(kind)))
        {
            string tensor = kind switch
            {
                VaeOutputKinds.Mu => nodes.Mu,
                VaeOutputKinds.LogVar => nodes.LogVar,
                VaeOutputKinds.Sigma => nodes.Sigma,
                VaeOutputKinds.Reconstruction => nodes.Reconstruction,
                VaeOutputKinds.ReconstructionError => nodes.ReconstructionError,
                VaeOutputKinds.ReconstructionDivergence => nodes.ReconstructionDivergence,
                VaeOutputKinds.Kl => nodes.Kl,
                _ => nodes.ReconstructionErrorTerms,
            };
            if (!names.Contains(tensor))
            {
                if (modelOutputs.TryGetValue(tensor, out var declared))
                    graph.Output.Add(declared);
                else
                    builder.AddOutput(tensor);
            }
            names.Add(tensor);
        }
        builder.CheckComplete();
        OnnxGraphPruning.KeepWhatOutputsNeed(graph);

        // One cursor feeds ORT whole batches, so ORT's intra-op pool may use every core; inter-op
        // parallelism stays off (the graphs are chains) so concurrent callers do not multiply threads.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        return new CompiledGraph(new InferenceSession(proto.ToByteArray(), options), names.ToArray());
    }

    internal static RawOutputs RunRaw(InferenceSession session, VaeModelLayout layout, ReadOnlyMemory<float> pixels, int rows,
        IReadOnlyCollection<string> outputNames, string source)
    {
        long[] shape = layout.InputRank == 4
            ? [rows, layout.Channels, layout.Height, layout.Width]
            : [rows, layout.PixelCount];
        // ORT reads the managed buffer in place for the duration of Run; it never writes inputs.
        var memory = System.Runtime.InteropServices.MemoryMarshal.AsMemory(pixels[..(rows * layout.PixelCount)]);
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, memory, shape);
        using var runOptions = new RunOptions();
        // The same tensor may answer two requests (a contract model's σ twice); ORT fetches each name once.
        var distinct = outputNames.Distinct(StringComparer.Ordinal).ToArray();
        try
        {
            var values = session.Run(runOptions, [layout.InputName], [input], distinct);
            return new RawOutputs(distinct, values, rows, source);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"ONNX Runtime failed to run '{source}' on a batch of {rows} images of {layout.Channels}x{layout.Height}x{layout.Width}: {e.Message}", e);
        }
    }

    /// <summary>Refuses new runs at once; the ORT sessions are freed when the last running batch returns.</summary>
    public void Dispose() => _lifetime.Dispose();

    private void ReleaseGraphs()
    {
        foreach (var graph in _graphs.Values)
            if (graph.IsValueCreated)
                graph.Value.Session.Dispose();
    }

    private sealed record CompiledGraph(InferenceSession Session, string[] OutputNames);

    /// <summary>Named ORT outputs of one run, disposed together.</summary>
    internal sealed class RawOutputs(string[] names, IDisposableReadOnlyCollection<OrtValue> values, int rows, string source) : IDisposable
    {
        public OrtValue this[string name] => values.ElementAt(Array.IndexOf(names, name));

        public float[] Copy(string name, int expectedLength)
        {
            var span = this[name].GetTensorDataAsSpan<float>();
            if (span.Length != expectedLength)
                throw new InvalidOperationException($"'{source}': output '{name}' returned {span.Length} values for {rows} rows, expected {expectedLength}.");
            return span.ToArray();
        }

        public void Dispose() => values.Dispose();
    }
}
