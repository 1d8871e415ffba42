using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet;

/// <summary>
/// The chain of ML.NET built-ins a featurizer saves as: [image resize → grayscale → pixel extraction] →
/// <c>ApplyOnnxModel</c> (see <see cref="FeaturizerGraph"/>) → drop of the temporary columns. ML.NET can load
/// it without Vae.MLNet. Differences from the in-process transformer, by necessity: ML.NET's ONNX
/// transformer always emits vectors, so the reconstruction error and KL are <c>Vector&lt;Single, 1&gt;</c>
/// instead of Single; z is drawn afresh per row (ONNX has no seeded per-row generator); with
/// InvalidPixelHandling.Throw, NaN/Inf pixels are not checked (ONNX cannot throw; they give NaN), while
/// MaximalError is computed in the graph; images are always resized to the model size (a no-op at that size).
/// For contract v2 models the chain extracts the premultiplied ARGB planes and the graph composites and converts
/// them exactly as training did, so images already at the model size give the training features; images of
/// another size are resized by ML.NET's <c>ResizeImages</c>, whose filter differs from the model's (the features
/// are then close, not equal), and the EXIF orientation is not applied. <see cref="LoadFast"/> restores all of it.
/// </summary>
internal sealed class SavedChain : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };
    private readonly string _tempFolder;

    private SavedChain(ITransformer transformer, string tempFolder)
    {
        Transformer = transformer;
        _tempFolder = tempFolder;
    }

    public ITransformer Transformer { get; }

    public static SavedChain Build(MLContext ml, VaeFeaturizerTransformer featurizer, DataViewSchema inputSchema)
    {
        var binding = featurizer.Bind(inputSchema);
        var options = featurizer.Options;
        if (binding.InputKind == FeaturizerInputKind.VariableSizeVector)
            throw new InvalidOperationException(
                $"Cannot save a VAE featurizer whose input column '{options.InputColumnName}' is a variable-size vector: ML.NET's ONNX scoring " +
                $"needs a known size. Give the column the type Vector<Single, {featurizer.Model.PixelCount}>.");

        string optionsJson = JsonSerializer.Serialize(options, Json);
        string? mappingJson = featurizer.Model.Mapping is { } m ? JsonSerializer.Serialize(m, Json) : null;
        string feed = binding.PixelColumnName;
        bool contractImage = binding.InputKind == FeaturizerInputKind.ContractImage;
        if (contractImage)
            feed = $"{options.InputColumnName}.vae-argb";
        var graph = FeaturizerGraph.Build(featurizer.Model, binding.Outputs, feed, options.InvalidPixelHandling, optionsJson, mappingJson,
            contractImage ? featurizer.Model.Description.Preprocessing : null);

        string folder = Directory.CreateTempSubdirectory("vae-featurizer-save-").FullName;
        string onnxPath = Path.Combine(folder, "featurizer.onnx");
        File.WriteAllBytes(onnxPath, Google.Protobuf.MessageExtensions.ToByteArray(graph));

        var chain = new EstimatorChain<ITransformer>();
        string[] temporary = [];
        if (binding.InputKind == FeaturizerInputKind.Image)
        {
            chain = chain.Append(FeaturizerInput.ImagePreprocessing(ml, options.InputColumnName, feed, featurizer.Model, binding.Resizing, out var intermediate));
            temporary = [.. intermediate, feed];
        }
        else if (contractImage)
        {
            chain = chain.Append(FeaturizerInput.ArgbExtraction(ml, options.InputColumnName, feed, featurizer.Model, binding.Resizing, out var intermediate));
            temporary = [.. intermediate, feed];
        }
        var withOnnx = chain.Append(ml.Transforms.ApplyOnnxModel(binding.Outputs.Select(o => o.Name).ToArray(), [feed], onnxPath));
        IEstimator<ITransformer> full = temporary.Length > 0 ? withOnnx.Append(ml.Transforms.DropColumns(temporary)) : withOnnx;
        try
        {
            return new SavedChain(full.Fit(new EmptyDataView(inputSchema)), folder);
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Finds the featurizer graph inside a saved model (a zip written by ML.NET) and rebuilds the fast transformer.</summary>
    public static VaeFeaturizerTransformer LoadFast(MLContext ml, string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Saved model '{path}' does not exist.", path);
        ZipArchive zip;
        try
        {
            zip = ZipFile.OpenRead(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not an ML.NET model file (not a zip archive): {e.Message}", e);
        }
        using (zip)
        {
            try
            {
                if (FindFeaturizer(ml, zip, path) is { } featurizer)
                    return featurizer;
            }
            catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException
                                      && !e.Message.StartsWith($"'{path}", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"'{path}' is damaged or not an ML.NET model file: {e.Message}", e);
            }
            throw NoFeaturizer(path, zip);
        }
    }

    /// <summary>The error when no featurizer graph was found: damage when an embedded ONNX entry does not parse, else "none".</summary>
    private static InvalidDataException NoFeaturizer(string path, ZipArchive zip)
    {
        var unreadable = zip.Entries.Where(e => e.Name == "OnnxModel").Where(e => ReadEmbeddedOnnx(e) == null).Select(e => e.FullName).ToList();
        return unreadable.Count > 0
            ? new InvalidDataException($"'{path}' is damaged: its embedded ONNX graph '{unreadable[0]}' could not be parsed, so no saved VAE featurizer was found.")
            : new InvalidDataException($"'{path}' holds no saved VAE featurizer (no embedded ONNX graph with '{FeaturizerGraph.OptionsKey}' metadata).");
    }

    private static VaeFeaturizerTransformer? FindFeaturizer(MLContext ml, ZipArchive zip, string path)
    {
        foreach (var entry in zip.Entries.Where(e => e.Name == "OnnxModel"))
        {
            var proto = ReadEmbeddedOnnx(entry);
            if (proto == null || FeaturizerGraph.Metadata(proto, FeaturizerGraph.OptionsKey) is not { } optionsJson)
                continue;
            FeaturizerGraph.VerifyChecksum(proto, $"{path}!{entry.FullName}");
            var options = JsonSerializer.Deserialize<VaeFeaturizerOptions>(optionsJson, Json)
                ?? throw new InvalidDataException($"'{path}': the featurizer options stored in '{entry.FullName}' are empty.");
            var mapping = FeaturizerGraph.Metadata(proto, FeaturizerGraph.MappingKey) is { } mappingJson
                ? JsonSerializer.Deserialize<VaeOutputMapping>(mappingJson, Json)
                : null;
            byte[] original = FeaturizerGraph.Restore(proto);
            var model = VaeModel.FromBytes(original, mapping, $"{path}!{entry.FullName}");
            return new VaeFeaturizerTransformer(ml, model, ownsModel: true, options, fittedSchema: null);
        }
        return null;
    }

    /// <summary>
    /// Reads every entry of a saved model (the zip checks each entry's CRC-32 as it is read) and checks each embedded
    /// featurizer graph against its SHA-256; returns how many graphs were verified.
    /// </summary>
    public static int Verify(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"Saved model '{path}' does not exist.", path);
        int verified = 0;
        try
        {
            using var zip = ZipFile.OpenRead(path);
            foreach (var entry in zip.Entries)
            {
                if (entry.Name == "OnnxModel" && ReadEmbeddedOnnx(entry) is { } proto
                    && FeaturizerGraph.Metadata(proto, FeaturizerGraph.OptionsKey) != null)
                {
                    FeaturizerGraph.VerifyChecksum(proto, $"{path}!{entry.FullName}");
                    verified++;
                }
                else
                {
                    using var stream = entry.Open();
                    stream.CopyTo(Stream.Null);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException
                                  && !e.Message.StartsWith($"'{path}", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is damaged or not an ML.NET model file: {e.Message}", e);
        }
        if (verified == 0)
        {
            using var zip = ZipFile.OpenRead(path);
            throw NoFeaturizer(path, zip);
        }
        return verified;
    }

    /// <summary>ML.NET's OnnxTransformer stores the model as an int32 length followed by the bytes.</summary>
    private static ModelProto? ReadEmbeddedOnnx(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var reader = new BinaryReader(stream);
        int length = reader.ReadInt32();
        if (length < 0 || length > entry.Length)
            return null; // a damaged length prefix: not a graph (and no huge allocation)
        byte[] bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
            return null;
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        (Transformer as IDisposable)?.Dispose();
        Directory.Delete(_tempFolder, recursive: true);
    }
}
