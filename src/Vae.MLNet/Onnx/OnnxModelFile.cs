using Vae.MLNet.IO;
using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet.Onnx;

/// <summary>
/// Reads and writes <c>.onnx</c> files as <see cref="ModelProto"/>, and edits their <c>metadata_props</c>.
/// Reading validates that the bytes are an ONNX model (not merely parseable protobuf); writing is atomic.
/// </summary>
internal static class OnnxModelFile
{
    /// <summary>Reads an ONNX model.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The bytes are not an ONNX model (corrupt, truncated, other format); the message names the file.</exception>
    public static ModelProto Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"ONNX model not found: {path}", path);

        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException($"{path}: not a valid ONNX model (protobuf parse failed: {e.Message}).", e);
        }
        Validate(model, path);
        return model;
    }

    /// <summary>
    /// Writes <paramref name="model"/> to <paramref name="path"/> atomically: the bytes go to a temporary
    /// file in the same folder, which then replaces <paramref name="path"/>; readers never see half a model.
    /// </summary>
    public static void Write(ModelProto model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Validate(model, path);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The value of metadata key <paramref name="key"/>, or <see langword="null"/> when absent.</summary>
    public static string? GetMetadata(ModelProto model, string key)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(key);
        return model.MetadataProps.LastOrDefault(p => p.Key == key)?.Value;
    }

    /// <summary>All metadata entries as a dictionary (a repeated key keeps its last value, as ONNX Runtime does).</summary>
    public static IReadOnlyDictionary<string, string> GetMetadata(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in model.MetadataProps)
            result[entry.Key] = entry.Value;
        return result;
    }

    /// <summary>Sets metadata key <paramref name="key"/> to <paramref name="value"/>, replacing an existing value.</summary>
    public static void SetMetadata(ModelProto model, string key, string value) => SetMetadata(model, key, value, allowReplace: true);

    internal static void SetMetadata(ModelProto model, string key, string value, bool allowReplace)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        var existing = model.MetadataProps.Where(p => p.Key == key).ToList();
        if (existing.Count > 0 && !allowReplace)
            throw new ArgumentException($"Metadata key '{key}' is given twice.", nameof(key));
        foreach (var entry in existing)
            model.MetadataProps.Remove(entry);
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    }

    // Protobuf accepts many byte strings (unknown fields are kept), so "it parsed" is not "it is ONNX":
    // require what every ONNX model has.
    private static void Validate(ModelProto model, string path)
    {
        if (model.IrVersion <= 0)
            throw new InvalidDataException($"{path}: not an ONNX model (ir_version is {model.IrVersion}, expected ≥ 1).");
        if (model.Graph == null)
            throw new InvalidDataException($"{path}: not an ONNX model (no graph).");
        if (model.Graph.Output.Count == 0)
            throw new InvalidDataException($"{path}: ONNX graph '{model.Graph.Name}' has no outputs.");
        if (model.OpsetImport.Count == 0)
            throw new InvalidDataException($"{path}: ONNX model imports no operator set.");
    }
}
