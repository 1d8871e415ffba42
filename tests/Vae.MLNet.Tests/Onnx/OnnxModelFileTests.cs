using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;

namespace Vae.MLNet.Tests.Onnx;

public sealed class OnnxModelFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("onnx-model-file-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static ModelProto IdentityModel(string key = "k", string value = "v")
    {
        var builder = new OnnxGraphBuilder("identity");
        builder.AddInput("x", [null, 2]);
        builder.AddOutput("y", [null, 2]);
        builder.AddNode("Identity", ["x"], "y");
        return builder.Build("tests", "1", [new(key, value)]);
    }

    private string PathOf(string name) => Path.Combine(_folder, name);

    [Fact]
    public void WriteThenReadRoundTripsTheModel()
    {
        var model = IdentityModel("a", "1");
        string path = PathOf("m.onnx");
        OnnxModelFile.Write(model, path);
        var read = OnnxModelFile.Read(path);
        Assert.Equal(model, read);
        Assert.Equal("1", OnnxModelFile.GetMetadata(read, "a"));
    }

    [Fact]
    public void MetadataSetReplacesAndRoundTripsThroughOnnxRuntime()
    {
        var model = IdentityModel("a", "1");
        OnnxModelFile.SetMetadata(model, "a", "2");
        OnnxModelFile.SetMetadata(model, "vae.beta", "0.5");
        Assert.Equal(2, model.MetadataProps.Count);
        Assert.Null(OnnxModelFile.GetMetadata(model, "absent"));

        string path = PathOf("meta.onnx");
        OnnxModelFile.Write(model, path);
        var read = OnnxModelFile.GetMetadata(OnnxModelFile.Read(path));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["vae.beta"] = "0.5" }, read);
        using var session = new InferenceSession(path);
        Assert.Equal("2", session.ModelMetadata.CustomMetadataMap["a"]);
        Assert.Equal("0.5", session.ModelMetadata.CustomMetadataMap["vae.beta"]);
    }

    [Fact]
    public void MissingFileThrowsFileNotFound()
    {
        string path = PathOf("absent.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => OnnxModelFile.Read(path));
        Assert.Equal(path, e.FileName);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void RandomBytesAreRejectedNamingTheFile()
    {
        var bytes = new byte[4096];
        new Random(1234).NextBytes(bytes);
        string path = PathOf("random.onnx");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void TruncatedModelIsRejectedNamingTheFile()
    {
        byte[] full = IdentityModel("k", new string('v', 200)).ToByteArray();
        string path = PathOf("truncated.onnx");
        File.WriteAllBytes(path, full[..(full.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void ParseableButNotOnnxIsRejected()
    {
        // An empty file is a valid (empty) protobuf message, but no ONNX model.
        string path = PathOf("empty.onnx");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));
        Assert.Contains(path, e.Message);
        Assert.Contains("ir_version", e.Message);

        var noGraph = new ModelProto { IrVersion = 8 };
        File.WriteAllBytes(path, noGraph.ToByteArray());
        e = Assert.Throws<InvalidDataException>(() => OnnxModelFile.Read(path));
        Assert.Contains("no graph", e.Message);
    }

    [Fact]
    public void WriteReplacesAtomicallyAndLeavesNoTempFile()
    {
        string path = PathOf("model.onnx");
        File.WriteAllText(path, "old content");
        OnnxModelFile.Write(IdentityModel("v", "new"), path);
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
        Assert.Equal("new", OnnxModelFile.GetMetadata(OnnxModelFile.Read(path), "v"));
    }

    [Fact]
    public void FailedWriteKeepsTheOldFileAndLeavesNoTempFile()
    {
        string path = PathOf("model.onnx");
        OnnxModelFile.Write(IdentityModel("v", "old"), path);
        // Not an ONNX model: refused before anything is written.
        Assert.Throws<InvalidDataException>(() => OnnxModelFile.Write(new ModelProto(), path));
        Assert.Equal(new[] { path }, Directory.GetFiles(_folder));
        Assert.Equal("old", OnnxModelFile.GetMetadata(OnnxModelFile.Read(path), "v"));
    }

    [Fact]
    public void WriteIntoMissingFolderThrows()
    {
        string path = Path.Combine(_folder, "no-such-folder", "m.onnx");
        var e = Assert.Throws<DirectoryNotFoundException>(() => OnnxModelFile.Write(IdentityModel(), path));
        Assert.Contains("no-such-folder", e.Message);
    }

    [Fact]
    public void UnknownFieldsOfForeignModelsSurviveARoundTrip()
    {
        // Field 20 (ModelProto.training_info in full ONNX) is not in our subset; it must be kept.
        var model = IdentityModel();
        byte[] extra = [0xA2, 0x01, 3, 1, 2, 3]; // tag varint of (20 << 3) | 2, length 3, payload
        string path = PathOf("foreign.onnx");
        File.WriteAllBytes(path, [.. model.ToByteArray(), .. extra]);
        string copy = PathOf("copy.onnx");
        OnnxModelFile.Write(OnnxModelFile.Read(path), copy);
        Assert.Equal(File.ReadAllBytes(path), File.ReadAllBytes(copy));
    }
}
