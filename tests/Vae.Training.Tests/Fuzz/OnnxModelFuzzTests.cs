using System.Diagnostics;
using Google.Protobuf;
using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.MLNet.Onnx.Proto;
using Vae.Training.Models;
using Vae.Training.Export;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Fuzz;

/// <summary>
/// Mutated VAE ONNX files (raw bytes, and valid files with mutated <c>vae.*</c> metadata values) are
/// either read into a model that agrees with its graph or rejected with the documented exception
/// (InvalidDataException naming the file) — never another exception, a crash, a hang or a huge allocation.
/// </summary>
[Trait("Category", "Fuzz")]
public class OnnxModelFuzzTests
{
    private readonly ITestOutputHelper _output;

    public OnnxModelFuzzTests(ITestOutputHelper output) => _output = output;

    /// <summary>A real exported contract VAE, tiny (1x4x4 images, k = 2) so ONNX Runtime loads it in about a millisecond.</summary>
    private static ModelProto TinyContractModel()
    {
        manual_seed(11);
        using var network = new VaeNetwork(VaeArchitecture.Mlp(channels: 1, height: 4, width: 4, latentDim: 2, hidden: 4));
        network.eval();
        return VaeOnnxExporter.BuildVaeModel(network, new VaeExportInfo
        {
            Likelihood = VaeLikelihood.Bernoulli,
            Dataset = "fuzz fixture",
            ErrorQuantiles = new Dictionary<double, double> { [0.5] = 5, [0.99] = 9 },
        });
    }

    /// <summary>
    /// A model that was accepted must describe its graph truthfully, and run — or, when a mutated constant
    /// only breaks the graph at run time (e.g. a Reshape target), fail with InvalidOperationException naming it.
    /// </summary>
    private static void CheckAccepted(VaeModel model)
    {
        Assert.Equal(16, model.PixelCount);
        Assert.Equal(2, model.LatentDim);
        try
        {
            var result = model.Run(new float[2 * 16], 2);
            Assert.Equal(2 * 2, result.Mu!.Length);
        }
        catch (InvalidOperationException e)
        {
            Assert.Contains(model.Source, e.Message, StringComparison.Ordinal);
            Interlocked.Increment(ref _runRejected);
        }
    }

    private static int _runRejected;

    [Fact]
    public void MutatedModelBytesGiveOnlyInvalidDataException()
    {
        byte[] valid = TinyContractModel().ToByteArray();
        string folder = Directory.CreateTempSubdirectory("vae-onnxfuzz-").FullName;
        string path = Path.Combine(folder, "fuzz.onnx");
        var random = new Random(FuzzSettings.Seed + 2);
        int iterations = FuzzSettings.Iterations(1_000);
        var runner = new FuzzRunner(TimeSpan.FromSeconds(20));
        long allocatedBefore = GC.GetTotalAllocatedBytes();
        long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        int modelsAccepted = 0;
        try
        {
            for (int i = 0; i < iterations; i++)
            {
                File.WriteAllBytes(path, ByteMutator.Mutate(valid, random, headerLength: 32));
                // OnnxModelFile.Read: a ModelProto that passed validation, or InvalidDataException naming the file.
                runner.Run(i, () => OnnxModelFile.Read(path), RejectedNaming(path));
                // VaeModel.Load: the full contract reader including ONNX Runtime.
                runner.Run(i, () =>
                {
                    using var model = VaeModel.Load(path);
                    CheckAccepted(model);
                    Interlocked.Increment(ref modelsAccepted);
                }, RejectedNaming(path));
            }
        }
        finally { Directory.Delete(folder, recursive: true); }

        double perInput = (GC.GetTotalAllocatedBytes() - allocatedBefore) / (double)iterations;
        long peakGrowthMb = (Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore) >> 20;
        _output.WriteLine(runner.Summary("ONNX bytes (Read + Load)") + $", VaeModel accepted {modelsAccepted} (of which {Volatile.Read(ref _runRejected)} then failed to run, InvalidOperationException naming the file), {perInput / 1024:F0} KB managed allocation per input, peak working set +{peakGrowthMb} MB");
        Assert.True(perInput < 4 << 20, $"average managed allocation per input {perInput:F0} bytes (input ≈ {valid.Length} bytes)");
        Assert.True(peakGrowthMb < 1024, $"peak working set grew by {peakGrowthMb} MB");
        Assert.True(runner.Rejected > iterations / 2, "most mutations should be rejected");
    }

    [Fact]
    public void MutatedMetadataValuesGiveOnlyInvalidDataException()
    {
        var template = TinyContractModel();
        string[] keys =
        [
            VaeContract.Metadata.Contract, VaeContract.Metadata.ImageShape, VaeContract.Metadata.LatentDim, VaeContract.Metadata.Likelihood,
            VaeContract.Metadata.Beta, VaeContract.Metadata.TrainErrorQuantiles, VaeContract.Metadata.GaussianSigma, VaeContract.Metadata.LikelihoodScale,
            VaeContract.Metadata.Producer,
        ];
        string[] nasty =
        [
            "", " ", "0", "-1", "2", "99999999999", "1.5", "NaN", "Infinity", "1e400", "1x4x4", "1x28x28", "4x4", "1x4x4x1", "0x4x4",
            "-1x4x4", "1x-4x4", "2147483647x2147483647x2147483647", "1x4", "x", "1X4X4", "１x4x4", "{}", "[]", "{\"0.99\":1e999}",
            "{\"abc\":1}", "{\"0.99\":\"x\"}", "null", "bernoulli", "gaussian", "laplace", "discretized_logistic", "poisson",
            "[0.1]", "[0.1,0.2,0.3]", "[-1]", "[1e400]", "[\"0.1\"]", "[[0.1]]", "[0.1,", new string('9', 5000), "\0", "1\n", "٣",
        ];
        var random = new Random(FuzzSettings.Seed + 3);
        int iterations = FuzzSettings.Iterations(1_500);
        var runner = new FuzzRunner(TimeSpan.FromSeconds(20));
        const string source = "fuzz-metadata.onnx";
        for (int i = 0; i < iterations; i++)
        {
            var proto = template.Clone();
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                string key = keys[random.Next(keys.Length)];
                string value = random.Next(3) switch
                {
                    0 => nasty[random.Next(nasty.Length)],
                    1 => MutateText(OnnxModelFile.GetMetadata(proto, key) ?? "1", random),
                    _ => nasty[random.Next(nasty.Length)] + MutateText(OnnxModelFile.GetMetadata(proto, key) ?? "", random),
                };
                if (random.Next(10) == 0 && proto.MetadataProps.FirstOrDefault(p => p.Key == key) is { } entry)
                    proto.MetadataProps.Remove(entry);
                else
                    OnnxModelFile.SetMetadata(proto, key, value);
            }
            byte[] bytes = proto.ToByteArray();
            runner.Run(i, () =>
            {
                using var model = VaeModel.FromBytes(bytes, sourceName: source);
                CheckAccepted(model);
            }, RejectedNaming(source));
        }
        _output.WriteLine(runner.Summary("ONNX metadata values"));
        Assert.True(runner.Rejected > 0 && runner.Accepted > 0, "the mutations should give both valid and invalid metadata");
    }

    private static Action<Exception> RejectedNaming(string source) => e =>
    {
        Assert.True(e is InvalidDataException, $"expected InvalidDataException, got {e.GetType().Name}: {e.Message}");
        Assert.Contains(source, e.Message, StringComparison.Ordinal);
    };

    private static string MutateText(string text, Random random)
    {
        var chars = text.ToCharArray().ToList();
        for (int n = random.Next(1, 4); n > 0; n--)
        {
            int at = chars.Count == 0 ? 0 : random.Next(chars.Count);
            switch (random.Next(3))
            {
                case 0 when chars.Count > 0: chars.RemoveAt(at); break;
                case 1 when chars.Count > 0: chars[at] = "0123456789x.-e{}\":,"[random.Next(19)]; break;
                default: chars.Insert(at, (char)random.Next(32, 127)); break;
            }
        }
        return new string(chars.ToArray());
    }
}
