using Vae.MLNet.IO;
using System.IO.Compression;
using System.Text.Json;
using Vae.Training.Models;

namespace Vae.Training;

/// <summary>
/// One checkpoint file: a zip holding <c>checkpoint.json</c> (epoch, position inside a cancelled epoch,
/// options, architecture, metric history, learned σ or per-channel log-scales, data fingerprint), <c>network.bin</c> (TorchSharp
/// module weights) and <c>optimizer.bin</c> (Adam moments and step counts). Written atomically.
/// </summary>
internal static class TrainingCheckpoint
{
    internal const string Format = "vae-training-checkpoint";
    internal const int Version = 1;
    private const string StateEntry = "checkpoint.json";
    private const string NetworkEntry = "network.bin";
    private const string OptimizerEntry = "optimizer.bin";

    /// <summary>Architecture in plain fields (the record's computed properties are not data).</summary>
    internal sealed record ArchitectureData(VaeKind Kind, int Channels, int Height, int Width, int LatentDim, IReadOnlyList<int> Hidden, int ConvDense, int ConvDepth = 0, int ConvHead = 0, VaeActivation Activation = VaeActivation.Relu, int PriorComponents = 0)
    {
        internal static ArchitectureData From(VaeArchitecture a) => new(a.Kind, a.Channels, a.Height, a.Width, a.LatentDim, a.Hidden.ToArray(), a.ConvDense, a.ConvDepth, a.ConvHead, a.Activation, a.PriorComponents);
        internal VaeArchitecture ToArchitecture() => new VaeArchitecture(Kind, Channels, Height, Width, LatentDim, Hidden.ToArray(), ConvDense, ConvDepth, ConvHead, Activation, PriorComponents).Validated();
    }

    /// <summary>Where a cancelled epoch stopped, and its sums so far, so resuming finishes it exactly.</summary>
    internal sealed record PartialEpoch(int BatchesDone, double ReconstructionSum, double KlSum, IReadOnlyList<double> KlPerDimensionSum,
        long Images, double TrainSeconds, string EpsilonGeneratorState);

    internal sealed record State(
        string Format, int Version, int CompletedEpochs, ArchitectureData Architecture, TrainOptions Options,
        IReadOnlyList<EpochMetrics> History, float? LogSigma, int TrainImages, double TrainPixelSum, PartialEpoch? Partial)
    {
        /// <summary>SHA-256 (hex) of the binary entries; a zip does not check CRCs of stored entries on every read path.</summary>
        public IReadOnlyDictionary<string, string>? Sha256 { get; init; }

        /// <summary>The learned log-scale per channel (<see cref="VaeLoss.LogScale"/>); absent when the likelihood learns none (and in older checkpoints).</summary>
        public IReadOnlyList<float>? LogScales { get; init; }
    }

    internal static void Save(string path, State state, Action<BinaryWriter> writeNetwork, Action<BinaryWriter> writeOptimizer)
    {
        byte[] network = Serialize(writeNetwork), optimizer = Serialize(writeOptimizer);
        state = state with { Sha256 = new Dictionary<string, string> { [NetworkEntry] = Hash(network), [OptimizerEntry] = Hash(optimizer) } };
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            WriteEntry(zip, StateEntry, CompressionLevel.Optimal, s => JsonSerializer.Serialize(s, state, TrainingJson.Options));
            WriteEntry(zip, NetworkEntry, CompressionLevel.NoCompression, s => s.Write(network));
            WriteEntry(zip, OptimizerEntry, CompressionLevel.NoCompression, s => s.Write(optimizer));
        });
    }

    /// <summary>Opens a checkpoint; every structural problem becomes an <see cref="InvalidDataException"/> naming the file.</summary>
    internal static (State State, byte[] Network, byte[] Optimizer) Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var state = JsonSerializer.Deserialize<State>(ReadEntry(zip, path, StateEntry), TrainingJson.Options)
                ?? throw new InvalidDataException($"{path}: {StateEntry} is empty.");
            if (state.Format != Format || state.Version != Version)
                throw new InvalidDataException($"{path}: expected a {Format} version {Version}, got '{state.Format}' version {state.Version}.");
            if (state.Options is null || state.Architecture is null || state.History is null)
                throw new InvalidDataException($"{path}: {StateEntry} lacks options, architecture or history.");
            byte[] network = ReadEntry(zip, path, NetworkEntry), optimizer = ReadEntry(zip, path, OptimizerEntry);
            foreach (var (name, bytes) in new[] { (NetworkEntry, network), (OptimizerEntry, optimizer) })
            {
                string? expected = state.Sha256?.GetValueOrDefault(name);
                if (expected is null || !string.Equals(expected, Hash(bytes), StringComparison.OrdinalIgnoreCase))
                    throw new InvalidDataException($"{path}: entry {name} is damaged (SHA-256 {Hash(bytes)}, expected {expected ?? "a recorded hash"}).");
            }
            return (state, network, optimizer);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: not a readable training checkpoint ({e.Message}).", e);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: {StateEntry} is not valid checkpoint JSON ({e.Message}).", e);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{path}: checkpoint holds an invalid setting ({e.Message}).", e);
        }
    }

    private static byte[] Serialize(Action<BinaryWriter> write)
    {
        using var memory = new MemoryStream();
        using (var writer = new BinaryWriter(memory, System.Text.Encoding.UTF8, leaveOpen: true))
            write(writer);
        return memory.ToArray();
    }

    private static string Hash(byte[] bytes) => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes));

    private static void WriteEntry(ZipArchive zip, string name, CompressionLevel level, Action<Stream> write)
    {
        using var entry = zip.CreateEntry(name, level).Open();
        write(entry);
    }

    private static byte[] ReadEntry(ZipArchive zip, string path, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"{path}: entry {name} is missing.");
        using var stream = entry.Open();
        using var memory = new MemoryStream();
        stream.CopyTo(memory); // the zip's CRC check runs here and throws InvalidDataException on damage
        return memory.ToArray();
    }
}
