using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// A trained VAE (or a foreign encoder) loaded from ONNX: its contract metadata, validated input and
/// output shapes, and a thread-safe batched <see cref="Run"/> over one ONNX Runtime session.
/// </summary>
public sealed class VaeModel : IDisposable
{
    private readonly byte[] _onnxBytes;
    private readonly Lazy<VaeSession> _defaultSession;
    private readonly Lazy<ReconstructionFloor> _floor;

    private VaeModel(byte[] onnxBytes, string source, VaeModelLayout layout, VaeModelDescription description)
    {
        _onnxBytes = onnxBytes;
        Source = source;
        Layout = layout;
        Description = description;
        _floor = new Lazy<ReconstructionFloor>(() => ReconstructionFloor.For(this), LazyThreadSafetyMode.ExecutionAndPublication);
        _defaultSession = new Lazy<VaeSession>(() => CreateSession(null), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where the model was read from (a file path, or a description for in-memory models).</summary>
    public string Source { get; }
    /// <summary>Latent size k (for "moments" encoders with spatial latents: channels·h·w).</summary>
    public int LatentDim => Layout.LatentDim;
    /// <summary>Image channels C.</summary>
    public int Channels => Layout.Channels;
    /// <summary>Image height H.</summary>
    public int Height => Layout.Height;
    /// <summary>Image width W.</summary>
    public int Width => Layout.Width;
    /// <summary>C·H·W, the length of one input row.</summary>
    public int PixelCount => Layout.PixelCount;
    /// <summary>True when the model has a decoder (reconstruction and reconstruction error); false for foreign encoders.</summary>
    public bool HasReconstruction => Layout.Mapping == null;
    /// <summary>The decoder likelihood, when stated by the contract metadata.</summary>
    public VaeLikelihood? Likelihood => Description.Likelihood;
    /// <summary>The KL weight β used in training, when stated.</summary>
    public double? Beta => Description.Beta;
    /// <summary>Quantiles of the reconstruction error on the training data (quantile → error); empty when unknown.</summary>
    public IReadOnlyDictionary<double, double> TrainingErrorQuantiles => Description.TrainingErrorQuantiles;
    /// <summary>Architecture description, e.g. "mlp:400", when stated.</summary>
    public string? Architecture => Description.Architecture;
    /// <summary>Description of the training data, when stated.</summary>
    public string? TrainDataset => Description.TrainDataset;
    /// <summary>The program that wrote the model, when stated.</summary>
    public string? Producer => Description.Producer;
    /// <summary>The contract version (1 or 2), or null for a foreign encoder read through a <see cref="VaeOutputMapping"/>.</summary>
    public int? ContractVersion => Description.ContractVersion;
    /// <summary>
    /// How the model's input images were made from files (contract v2), which the featurizer repeats on image
    /// columns; null for v1 models and foreign encoders (the featurizer then uses ML.NET's image transforms).
    /// A fresh copy on each call.
    /// </summary>
    public VaeImagePreprocessing? Preprocessing => Description.Preprocessing?.Clone();
    /// <summary>All metadata_props of the model.</summary>
    public IReadOnlyDictionary<string, string> Metadata => Description.Metadata;
    /// <summary>The output mapping of a foreign encoder; null for contract models.</summary>
    public VaeOutputMapping? Mapping => Layout.Mapping;

    internal VaeModelLayout Layout { get; }
    internal VaeModelDescription Description { get; }

    /// <summary>A copy of the ONNX model bytes.</summary>
    public byte[] GetOnnxBytes() => (byte[])_onnxBytes.Clone();

    internal ReadOnlySpan<byte> OnnxBytes => _onnxBytes;

    /// <summary>
    /// Reads a VAE from an ONNX file. Without <paramref name="mapping"/> the model must follow the VAE
    /// ONNX contract v1 (input <c>image</c>, six outputs, <c>vae.*</c> metadata); with it, any encoder
    /// whose outputs the mapping names.
    /// </summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not a regular file, is over <see cref="DefaultMaxFileBytes"/>, is not a valid ONNX model, or violates the contract.</exception>
    public static VaeModel Load(string onnxPath, VaeOutputMapping? mapping = null) => Load(onnxPath, mapping, DefaultMaxFileBytes);

    /// <summary>
    /// Reads a VAE from an ONNX file of at most <paramref name="maxFileBytes"/> bytes; see <see cref="Load(string, VaeOutputMapping?)"/>.
    /// Non-regular files (FIFOs, devices) and larger files are refused before anything is read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxFileBytes"/> is not positive or over 2 GB (protobuf's limit).</exception>
    public static VaeModel Load(string onnxPath, VaeOutputMapping? mapping, long maxFileBytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(onnxPath);
        if (maxFileBytes < 1 || maxFileBytes > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(maxFileBytes), maxFileBytes, "maxFileBytes must be in [1, 2^31 - 1] (an ONNX protobuf cannot exceed 2 GB).");
        if (!File.Exists(onnxPath))
            throw new FileNotFoundException($"VAE ONNX model '{onnxPath}' does not exist.", onnxPath);
        return FromBytes(IO.BoundedFile.ReadAll(onnxPath, maxFileBytes, "VAE ONNX model", "VaeModel.Load's maxFileBytes"), mapping, onnxPath);
    }

    /// <summary>The largest ONNX file <see cref="Load(string, VaeOutputMapping?)"/> reads: 1 GiB (the largest VAE of the benchmarks is 40 MB).</summary>
    public const long DefaultMaxFileBytes = 1L << 30;

    /// <summary>Reads a VAE from ONNX bytes; see <see cref="Load(string, VaeOutputMapping?)"/>. <paramref name="sourceName"/> names it in messages.</summary>
    public static VaeModel FromBytes(byte[] onnxBytes, VaeOutputMapping? mapping = null, string sourceName = "<in-memory ONNX model>")
    {
        ArgumentNullException.ThrowIfNull(onnxBytes);
        mapping?.Validate(sourceName);
        ModelProto proto = ParseProto(onnxBytes, sourceName);
        var description = VaeModelDescription.Read(proto, sourceName, foreign: mapping != null);
        Onnx.FiniteWeights.Check(proto, sourceName);
        using var probe = new ProbeSession(onnxBytes, sourceName);
        var layout = VaeModelLayout.Resolve(probe.Session, description, mapping, sourceName);
        return new VaeModel((byte[])onnxBytes.Clone(), sourceName, layout, description);
    }

    /// <summary>
    /// Runs the model on <paramref name="rows"/> images stored row-major in <paramref name="pixels"/>
    /// (each C·H·W values in [0, 1]). Thread-safe; call with batches (e.g. 256 rows) for throughput.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is shorter than rows·C·H·W, or reconstruction outputs are asked of a foreign encoder.</exception>
    public VaeBatchResult Run(ReadOnlyMemory<float> pixels, int rows, VaeOutputKinds outputs = VaeOutputKinds.All)
    {
        ThrowIfDisposed();
        return _defaultSession.Value.Run(pixels, rows, outputs);
    }

    /// <summary>An independent copy (own session, own lifetime) of this already validated model.</summary>
    internal VaeModel Copy() => new(_onnxBytes, Source, Layout, Description);

    /// <summary>A session with its own thread settings; the caller disposes it.</summary>
    internal VaeSession CreateSession(int? intraOpNumThreads) => new(this, intraOpNumThreads);

    /// <summary>The floor of the reconstruction error (see <see cref="ReconstructionFloor"/>); throws when the metadata lacks the likelihood.</summary>
    internal ReconstructionFloor ReconstructionFloor => _floor.Value;

    /// <summary>
    /// The scales of the model's likelihood (σ, b or s; one shared value or one per channel), read and checked at
    /// load (<see cref="LikelihoodMetadata.ParseScales"/>); throws naming the key when the model states none.
    /// </summary>
    internal double[] LikelihoodScales()
    {
        if (Description.LikelihoodScales is { } scales)
            return scales;
        var likelihood = Likelihood ?? throw new InvalidDataException($"'{Source}' does not state its likelihood ({VaeContract.Metadata.Likelihood}).");
        throw new InvalidDataException(
            $"'{Source}' has a {LikelihoodMetadata.Name(likelihood)} likelihood but no metadata {LikelihoodMetadata.ScaleKey(likelihood) ?? "scale"} (expected its scale, a number > 0 per channel).");
    }

    /// <summary>The default session, shared by every caller of <see cref="Run"/>.</summary>
    internal VaeSession DefaultSession
    {
        get
        {
            ThrowIfDisposed();
            return _defaultSession.Value;
        }
    }

    private volatile bool _disposed;

    /// <summary>Throws <see cref="ObjectDisposedException"/> naming this model (and why a transformer may meet it).</summary>
    internal void ThrowIfDisposed()
    {
        if (_disposed)
            throw new ObjectDisposedException(nameof(VaeModel),
                $"The VaeModel '{Source}' was disposed; a featurizer or detector made from it cannot run any more. Dispose the model after the transformers that use it.");
    }

    /// <summary>
    /// Releases the ONNX Runtime session. Every later use, also through a transformer made from this model, is an
    /// <see cref="ObjectDisposedException"/>; a batch already running finishes first (the session is freed after it).
    /// </summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_defaultSession.IsValueCreated)
            _defaultSession.Value.Dispose();
    }

    private static ModelProto ParseProto(byte[] bytes, string source)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"'{source}' is not a valid ONNX model (protobuf parse failed: {e.Message}).", e);
        }
        if (proto.Graph == null || proto.Graph.Node.Count == 0)
            throw new InvalidDataException($"'{source}' is not a valid ONNX model: it has no graph nodes ({bytes.Length} bytes read).");
        return proto;
    }

    /// <summary>A single-thread session used once at load time to read shapes and probe the outputs.</summary>
    private sealed class ProbeSession : IDisposable
    {
        public ProbeSession(byte[] bytes, string source)
        {
            using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            try
            {
                Session = new InferenceSession(bytes, options);
            }
            catch (OnnxRuntimeException e)
            {
                throw new InvalidDataException($"'{source}' could not be loaded by ONNX Runtime: {e.Message}", e);
            }
        }

        public InferenceSession Session { get; }

        public void Dispose() => Session.Dispose();
    }
}

/// <summary>The contract metadata of a model, parsed and checked.</summary>
internal sealed record VaeModelDescription(
    int? ContractVersion,
    VaeLikelihood? Likelihood,
    double? Beta,
    IReadOnlyDictionary<double, double> TrainingErrorQuantiles,
    string? Architecture,
    string? TrainDataset,
    string? Producer,
    (int C, int H, int W)? ImageShape,
    int? LatentDim,
    VaeImagePreprocessing? Preprocessing,
    IReadOnlyDictionary<string, string> Metadata)
{
    public static VaeModelDescription Read(ModelProto proto, string source, bool foreign)
    {
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in proto.MetadataProps)
            meta[entry.Key] = entry.Value;
        string? Get(string key) => meta.TryGetValue(key, out var v) ? v : null;

        int? version = null;
        string? versionText = Get(VaeContract.Metadata.Contract);
        if (versionText != null)
        {
            if (!int.TryParse(versionText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 1)
                throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.Contract}='{versionText}' is not a contract version (expected 1 to {VaeContract.Version}).");
            if (v > VaeContract.Version)
                throw new InvalidDataException(
                    $"'{source}' was written for VAE contract version {v} ({VaeContract.Metadata.Contract}='{versionText}'), " +
                    $"but this library reads version {VaeContract.Version}; upgrade Vae.MLNet.");
            version = v;
        }
        else if (!foreign)
        {
            throw new InvalidDataException(
                $"'{source}' carries no '{VaeContract.Metadata.Contract}' metadata, so it is not a VAE contract model; " +
                "load a foreign encoder with a VaeOutputMapping.");
        }

        VaeLikelihood? likelihood = LikelihoodMetadata.Parse(Get(VaeContract.Metadata.Likelihood), source);

        (int C, int H, int W)? shape = null;
        if (Get(VaeContract.Metadata.ImageShape) is { } shapeText)
            shape = ParseShape(shapeText, source);
        double[]? scales = LikelihoodMetadata.ParseScales(meta, likelihood, shape?.C, source);

        int? latent = null;
        if (Get(VaeContract.Metadata.LatentDim) is { } latentText)
        {
            if (!int.TryParse(latentText, NumberStyles.Integer, CultureInfo.InvariantCulture, out int k) || k <= 0)
                throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.LatentDim}='{latentText}' is not a positive integer.");
            latent = k;
        }

        if (version != null && (shape == null || latent == null))
            throw new InvalidDataException(
                $"'{source}': a contract model must state {VaeContract.Metadata.ImageShape} and {VaeContract.Metadata.LatentDim}; " +
                $"got '{Get(VaeContract.Metadata.ImageShape) ?? "(missing)"}' and '{Get(VaeContract.Metadata.LatentDim) ?? "(missing)"}'.");

        double? beta = null;
        if (Get(VaeContract.Metadata.Beta) is { } betaText)
            beta = double.TryParse(betaText, NumberStyles.Float, CultureInfo.InvariantCulture, out double b)
                ? b
                : throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.Beta}='{betaText}' is not a number.");

        var quantiles = new SortedDictionary<double, double>();
        if (Get(VaeContract.Metadata.TrainErrorQuantiles) is { } qText)
        {
            try
            {
                foreach (var (q, value) in JsonSerializer.Deserialize<Dictionary<string, double>>(qText) ?? [])
                    quantiles[double.Parse(q, NumberStyles.Float, CultureInfo.InvariantCulture)] = value;
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.TrainErrorQuantiles} is not a JSON object of quantile → error: {e.Message}", e);
            }
            CheckQuantiles(quantiles, likelihood, source);
        }

        VaeImagePreprocessing? preprocessing = null;
        if (Get(VaeContract.Metadata.Preprocessing) is { } preprocessingJson)
        {
            preprocessing = VaeImagePreprocessing.FromJson(preprocessingJson, source);
            if (shape is { } s && s.C != preprocessing.Channels)
                throw new InvalidDataException(
                    $"'{source}': metadata {VaeContract.Metadata.Preprocessing} makes {preprocessing.Channels}-channel images ({preprocessing.ColorMode}), " +
                    $"but {VaeContract.Metadata.ImageShape} = '{Get(VaeContract.Metadata.ImageShape)}' has {s.C}.");
        }
        else if (version >= 2 && shape is { C: 1 or 3 })
        {
            throw new InvalidDataException(
                $"'{source}': a contract v{version} model must state {VaeContract.Metadata.Preprocessing} (how its input images were made).");
        }

        return new VaeModelDescription(version, likelihood, beta, quantiles, Get(VaeContract.Metadata.Architecture),
            Get(VaeContract.Metadata.TrainDataset), Get(VaeContract.Metadata.Producer), shape, latent, preprocessing, meta)
        { LikelihoodScales = scales };
    }

    /// <summary>The likelihood's scales, one shared value or one per channel; null when it has none or the key is absent.</summary>
    public double[]? LikelihoodScales { get; init; }

    /// <summary>
    /// Training-error quantiles must be a distribution's quantiles: keys in [0, 1], errors finite, within float range
    /// (thresholds are floats) and not decreasing as the quantile grows — otherwise a stored threshold flags every row,
    /// or none, without a word. Under a likelihood that is a probability (Bernoulli, the discretized logistic) the error
    /// −log p is also ≥ 0; a density (Gaussian, Laplace) may exceed 1, so its error may be negative.
    /// </summary>
    private static void CheckQuantiles(SortedDictionary<double, double> quantiles, VaeLikelihood? likelihood, string source)
    {
        bool probability = likelihood is VaeLikelihood.Bernoulli or VaeLikelihood.DiscretizedLogistic;
        string key = VaeContract.Metadata.TrainErrorQuantiles;
        double previousQ = double.NaN, previous = double.NegativeInfinity;
        foreach (var (q, value) in quantiles)
        {
            string at = $"'{source}': metadata {key}, quantile {q.ToString(CultureInfo.InvariantCulture)}";
            if (!(q >= 0 && q <= 1))
                throw new InvalidDataException($"{at}: a quantile must be in [0, 1].");
            if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
                throw new InvalidDataException(
                    $"{at} = {value.ToString("R", CultureInfo.InvariantCulture)}: a reconstruction error must be a finite number within float range.");
            if (probability && value < 0)
                throw new InvalidDataException(
                    $"{at} = {value.ToString("R", CultureInfo.InvariantCulture)}: under the {likelihood} likelihood the error −log p is ≥ 0.");
            if (value < previous)
                throw new InvalidDataException(
                    $"{at} = {value.ToString("R", CultureInfo.InvariantCulture)} is below quantile {previousQ.ToString(CultureInfo.InvariantCulture)} = " +
                    $"{previous.ToString("R", CultureInfo.InvariantCulture)}; quantiles must not decrease.");
            (previousQ, previous) = (q, value);
        }
    }

    public static (int C, int H, int W) ParseShape(string text, string source)
    {
        var parts = text.Split('x');
        if (parts.Length == 3
            && int.TryParse(parts[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) && c > 0
            && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int h) && h > 0
            && int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out int w) && w > 0)
            return (c, h, w);
        throw new InvalidDataException($"'{source}': metadata {VaeContract.Metadata.ImageShape}='{text}', expected CxHxW such as '1x28x28'.");
    }
}
