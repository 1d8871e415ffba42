using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;

namespace Vae.Reliability.Tests.Support;

/// <summary>Broken, foreign or edited copies of the contract fixture in a temp folder, deleted on dispose.</summary>
public sealed class EditedModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("reliab-models-").FullName;

    public string Folder => _folder;

    public string Write(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A named pipe (FIFO) in the folder: opening it for reading blocks until a writer comes.</summary>
    public string Fifo(string name)
    {
        string path = Path.Combine(_folder, name);
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path]);
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0)
            throw new InvalidOperationException($"mkfifo {path} failed ({mkfifo.ExitCode})");
        return path;
    }

    /// <summary>The contract fixture with <paramref name="edit"/> applied.</summary>
    internal string Edited(string name, Action<ModelProto> edit)
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Data.ContractVae));
        edit(proto);
        return Write(name, proto.ToByteArray());
    }

    /// <summary>The contract fixture with metadata <paramref name="key"/> set to <paramref name="value"/> (or removed when null).</summary>
    public string WithMetadata(string name, string key, string? value) => Edited(name, proto =>
    {
        var entry = proto.MetadataProps.FirstOrDefault(e => e.Key == key);
        if (entry != null) proto.MetadataProps.Remove(entry);
        if (value != null) proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
    });

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
