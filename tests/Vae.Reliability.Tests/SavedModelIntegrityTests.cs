using Microsoft.ML;
using Vae.MLNet;
using Vae.Reliability.Tests.Support;

namespace Vae.Reliability.Tests;

/// <summary>
/// One flipped bit in a saved featurizer .zip once changed the outputs silently (14 of 40 flips through LoadFast, 10
/// through plain ml.Model.Load). The saved graph now carries a SHA-256 of its content, checked by LoadFast and by
/// VaeFeaturizerTransformer.Verify: each of 40 random flips must end in an exception or in outputs identical to
/// the undamaged file's, never in different outputs without an error.
/// </summary>
public sealed class SavedModelIntegrityTests(ITestOutputHelper output) : IDisposable
{
    private const int Flips = 40;
    private readonly string _folder = Directory.CreateTempSubdirectory("reliab-flips-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static VaeFeaturizerOptions Options() => new() { InputColumnName = "Image", KlColumnName = "Kl", ReconstructionErrorColumnName = "Error" };

    /// <summary>Flips bit <paramref name="bit"/> of byte <paramref name="offset"/> of a copy of <paramref name="source"/>.</summary>
    private string Flipped(string source, int index, long offset, int bit)
    {
        byte[] bytes = File.ReadAllBytes(source);
        bytes[offset] ^= (byte)(1 << bit);
        string path = Path.Combine(_folder, $"flip-{index}.zip");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>How one load-and-score ended: "identical", "DIFFERENT" (the silent failure) or the exception type.</summary>
    private static string Outcome(Func<Dictionary<string, List<double>>> score, Dictionary<string, List<double>> expected)
    {
        try
        {
            var actual = score();
            bool same = expected.Count == actual.Count && expected.All(c => actual.TryGetValue(c.Key, out var v) && v.SequenceEqual(c.Value));
            return same ? "identical" : "DIFFERENT";
        }
        catch (Exception e)
        {
            return e.GetType().Name + (e.Message.Contains("SHA-256", StringComparison.Ordinal) ? " (checksum)" : e.Message.Contains("could not be parsed", StringComparison.Ordinal) ? " (graph unreadable)" : " (other: " + e.Message + ")");
        }
    }

    [Fact]
    public void Forty_bit_flips_end_in_an_exception_or_identical_outputs()
    {
        var ml = new MLContext(seed: 1);
        var data = Data.Pixels(ml, 4000, 16);
        string saved = Path.Combine(_folder, "featurizer.zip");
        using (var model = VaeModel.Load(Data.ContractVae))
        using (var featurizer = ml.Transforms.VaeFeaturize(Options(), model).Fit(data))
            ml.Model.Save(featurizer, data.Schema, saved);
        Assert.Equal(1, VaeFeaturizerTransformer.Verify(saved));

        Dictionary<string, List<double>> Fast(string path)
        {
            using var t = VaeFeaturizerTransformer.LoadFast(ml, path);
            return ColumnValues.ReadAll(t.Transform(data), ["Mu", "Sigma", "Kl", "Error"]);
        }
        Dictionary<string, List<double>> Plain(string path)
        {
            VaeFeaturizerTransformer.Verify(path);
            var t = ml.Model.Load(path, out _);
            try
            {
                return ColumnValues.ReadAll(t.Transform(data), ["Mu", "Sigma", "Kl", "Error"]);
            }
            finally
            {
                (t as IDisposable)?.Dispose();
            }
        }
        var expectedFast = Fast(saved);
        var expectedPlain = Plain(saved);

        var random = new Random(27);
        long length = new FileInfo(saved).Length;
        var fast = new List<string>();
        var plain = new List<string>();
        for (int i = 0; i < Flips; i++)
        {
            long offset = random.NextInt64(length);
            int bit = random.Next(8);
            string path = Flipped(saved, i, offset, bit);
            fast.Add(Outcome(() => Fast(path), expectedFast));
            plain.Add(Outcome(() => Plain(path), expectedPlain));
            output.WriteLine($"flip {i}: byte {offset} bit {bit}: LoadFast → {fast[^1]}; Verify + Model.Load → {plain[^1]}");
        }
        output.WriteLine("LoadFast: " + string.Join(", ", fast.GroupBy(o => o).Select(g => $"{g.Key} ×{g.Count()}")));
        output.WriteLine("Verify + Model.Load: " + string.Join(", ", plain.GroupBy(o => o).Select(g => $"{g.Key} ×{g.Count()}")));
        Assert.DoesNotContain(fast, o => o.StartsWith("DIFFERENT", StringComparison.Ordinal));
        Assert.DoesNotContain(plain, o => o.StartsWith("DIFFERENT", StringComparison.Ordinal));
        Assert.Contains(fast, o => o != "identical"); // the flips were detected, not all harmless
    }

    [Fact]
    public void A_damaged_graph_is_refused_naming_the_file()
    {
        var ml = new MLContext(seed: 1);
        var data = Data.Pixels(ml, 4000, 4);
        string saved = Path.Combine(_folder, "featurizer.zip");
        using (var model = VaeModel.Load(Data.ContractVae))
        using (var featurizer = ml.Transforms.VaeFeaturize(Options(), model).Fit(data))
            ml.Model.Save(featurizer, data.Schema, saved);
        // Rewrite the embedded graph with one weight changed (a valid zip, a valid protobuf: only the checksum can tell).
        string damaged = Path.Combine(_folder, "damaged.zip");
        File.Copy(saved, damaged);
        using (var zip = System.IO.Compression.ZipFile.Open(damaged, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = zip.Entries.Single(e => e.Name == "OnnxModel");
            byte[] bytes;
            using (var stream = entry.Open())
            using (var reader = new BinaryReader(stream))
                bytes = reader.ReadBytes(reader.ReadInt32());
            var proto = Vae.MLNet.Onnx.Proto.ModelProto.Parser.ParseFrom(bytes);
            var weight = proto.Graph.Initializer.First(t => t.RawData.Length >= 4);
            var raw = weight.RawData.ToByteArray();
            raw[0] ^= 1; // the lowest mantissa bit of one weight
            weight.RawData = Google.Protobuf.ByteString.CopyFrom(raw);
            byte[] edited = Google.Protobuf.MessageExtensions.ToByteArray(proto);
            entry.Delete();
            using var writer = new BinaryWriter(zip.CreateEntry(entry.FullName).Open());
            writer.Write(edited.Length);
            writer.Write(edited);
        }
        var fast = Assert.Throws<InvalidDataException>(() => VaeFeaturizerTransformer.LoadFast(ml, damaged));
        Assert.Contains(damaged, fast.Message, StringComparison.Ordinal);
        Assert.Contains("SHA-256", fast.Message, StringComparison.Ordinal);
        var verify = Assert.Throws<InvalidDataException>(() => VaeFeaturizerTransformer.Verify(damaged));
        Assert.Contains(damaged, verify.Message, StringComparison.Ordinal);
    }
}
