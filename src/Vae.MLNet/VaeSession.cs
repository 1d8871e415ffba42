using Microsoft.ML.OnnxRuntime;

namespace Vae.MLNet;

/// <summary>
/// One ONNX Runtime session over a VAE plus the arithmetic that turns its outputs into μ, log σ², σ and KL
/// (for foreign encoders these are derived from what the mapping names). Thread-safe: ORT's
/// <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/> is.
/// </summary>
internal sealed class VaeSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly VaeModelLayout _layout;
    private readonly string _source;
    private readonly Lazy<ReconstructionFloor> _floor;

    public VaeSession(byte[] onnxBytes, VaeModelLayout layout, Lazy<ReconstructionFloor> floor, string source, int? intraOpNumThreads)
    {
        _layout = layout;
        _source = source;
        _floor = floor;
        IntraOpNumThreads = intraOpNumThreads ?? DefaultIntraOpNumThreads;
        if (IntraOpNumThreads < 1)
            throw new ArgumentOutOfRangeException(nameof(intraOpNumThreads), intraOpNumThreads, "IntraOpNumThreads must be at least 1.");
        // One cursor feeds ORT whole batches, so ORT's intra-op pool may use every core; inter-op
        // parallelism stays off (the graphs are chains) so concurrent callers do not multiply threads.
        using var options = new SessionOptions
        {
            IntraOpNumThreads = IntraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxBytes, options);
    }

    /// <summary>Default intra-op threads: all cores (we hand ORT one batch at a time from a single cursor).</summary>
    public static int DefaultIntraOpNumThreads => Math.Max(1, Environment.ProcessorCount);

    public int IntraOpNumThreads { get; }

    public VaeBatchResult Run(ReadOnlyMemory<float> pixels, int rows, VaeOutputKinds kinds)
    {
        int p = _layout.PixelCount, k = _layout.LatentDim;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        if (pixels.Length < (long)rows * p)
            throw new ArgumentException($"Pixel buffer holds {pixels.Length} values, but {rows} rows of {_layout.Channels}x{_layout.Height}x{_layout.Width} need {(long)rows * p}.", nameof(pixels));
        var mapping = _layout.Mapping;
        const VaeOutputKinds decoderKinds = VaeOutputKinds.Reconstruction | VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence;
        if (mapping != null && (kinds & decoderKinds) != 0)
            throw new ArgumentException($"'{_source}' is an encoder without decoder; it has no reconstruction or reconstruction error.", nameof(kinds));

        var result = new VaeBatchResult(rows, k, p);
        if (mapping == null)
        {
            var names = new List<string>();
            if (kinds.HasFlag(VaeOutputKinds.Mu)) names.Add(VaeContract.Mu);
            if (kinds.HasFlag(VaeOutputKinds.LogVar)) names.Add(VaeContract.LogVar);
            if (kinds.HasFlag(VaeOutputKinds.Sigma)) names.Add(VaeContract.Sigma);
            if (kinds.HasFlag(VaeOutputKinds.Reconstruction)) names.Add(VaeContract.Reconstruction);
            if ((kinds & (VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence)) != 0) names.Add(VaeContract.ReconstructionError);
            if (kinds.HasFlag(VaeOutputKinds.Kl)) names.Add(VaeContract.Kl);
            if (names.Count == 0)
                return result;
            using var raw = RunRaw(_session, _layout, pixels, rows, names, _source);
            if (kinds.HasFlag(VaeOutputKinds.Mu)) result.Mu = raw.Copy(VaeContract.Mu, rows * k);
            if (kinds.HasFlag(VaeOutputKinds.LogVar)) result.LogVar = raw.Copy(VaeContract.LogVar, rows * k);
            if (kinds.HasFlag(VaeOutputKinds.Sigma)) result.Sigma = raw.Copy(VaeContract.Sigma, rows * k);
            if (kinds.HasFlag(VaeOutputKinds.Reconstruction)) result.Reconstruction = raw.Copy(VaeContract.Reconstruction, rows * p);
            float[]? error = names.Contains(VaeContract.ReconstructionError) ? raw.Copy(VaeContract.ReconstructionError, rows) : null;
            if (kinds.HasFlag(VaeOutputKinds.ReconstructionError)) result.ReconstructionError = error;
            if (kinds.HasFlag(VaeOutputKinds.ReconstructionDivergence))
                result.ReconstructionDivergence = _floor.Value.Divergence(error!, pixels.Span, rows, p);
            if (kinds.HasFlag(VaeOutputKinds.Kl)) result.Kl = raw.Copy(VaeContract.Kl, rows);
            return result;
        }

        if (kinds == VaeOutputKinds.None)
            return result;
        float[] mu, logVar;
        if (mapping.MomentsOutput is { } momentsName)
        {
            using var raw = RunRaw(_session, _layout, pixels, rows, [momentsName], _source);
            float[] moments = raw.Copy(momentsName, rows * 2 * k);
            mu = new float[rows * k];
            logVar = new float[rows * k];
            // Axis 1 is the outermost axis inside a row, so μ is the first half of each row's block.
            for (int r = 0; r < rows; r++)
            {
                moments.AsSpan(r * 2 * k, k).CopyTo(mu.AsSpan(r * k));
                moments.AsSpan(r * 2 * k + k, k).CopyTo(logVar.AsSpan(r * k));
            }
        }
        else
        {
            string spreadName = mapping.SpreadOutput!;
            using var raw = RunRaw(_session, _layout, pixels, rows, [mapping.MuOutput!, spreadName], _source);
            mu = raw.Copy(mapping.MuOutput!, rows * k);
            logVar = raw.Copy(spreadName, rows * k);
            if (mapping.SpreadKind == VaeSpreadKind.LogSigma)
                for (int i = 0; i < logVar.Length; i++) logVar[i] *= 2f;
            else if (mapping.SpreadKind == VaeSpreadKind.Sigma)
                for (int i = 0; i < logVar.Length; i++) logVar[i] = 2f * MathF.Log(logVar[i]);
        }
        if (kinds.HasFlag(VaeOutputKinds.Mu)) result.Mu = mu;
        if (kinds.HasFlag(VaeOutputKinds.LogVar)) result.LogVar = logVar;
        if (kinds.HasFlag(VaeOutputKinds.Sigma))
        {
            var sigma = new float[logVar.Length];
            for (int i = 0; i < sigma.Length; i++) sigma[i] = MathF.Exp(0.5f * logVar[i]);
            result.Sigma = sigma;
        }
        if (kinds.HasFlag(VaeOutputKinds.Kl))
        {
            var kl = new float[rows];
            for (int r = 0; r < rows; r++)
            {
                double sum = 0;
                for (int j = r * k; j < (r + 1) * k; j++)
                    sum += (double)mu[j] * mu[j] + Math.Exp(logVar[j]) - logVar[j] - 1.0;
                kl[r] = (float)(0.5 * sum);
            }
            result.Kl = kl;
        }
        return result;
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
        try
        {
            var values = session.Run(runOptions, [layout.InputName], [input], outputNames);
            return new RawOutputs(outputNames.ToArray(), values, rows, source);
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidOperationException($"ONNX Runtime failed to run '{source}' on a batch of {rows} images of {layout.Channels}x{layout.Height}x{layout.Width}: {e.Message}", e);
        }
    }

    public void Dispose() => _session.Dispose();

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
