using Google.Protobuf;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet.Tests.Support;

/// <summary>Broken or altered copies of the fixture model in a temp folder, deleted on dispose.</summary>
public sealed class TempModels : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-models-").FullName;

    public string Path(string name) => System.IO.Path.Combine(_folder, name);

    public string Write(string name, byte[] bytes)
    {
        string path = Path(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>The contract fixture with <paramref name="edit"/> applied to its ModelProto.</summary>
    internal string Edited(string name, Action<ModelProto> edit)
    {
        var proto = ModelProto.Parser.ParseFrom(File.ReadAllBytes(TestData.ContractVae));
        edit(proto);
        return Write(name, proto.ToByteArray());
    }

    internal static void SetMetadata(ModelProto proto, string key, string value)
    {
        var entry = proto.MetadataProps.FirstOrDefault(e => e.Key == key);
        if (entry == null)
            proto.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        else
            entry.Value = value;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
