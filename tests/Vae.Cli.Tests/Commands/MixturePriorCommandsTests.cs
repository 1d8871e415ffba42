using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.Training.Tests.Plots;

namespace Vae.Training.Tests.Cli;

/// <summary>'vae train --prior-components' end to end: the prior in the models' metadata, eval through ONNX, per-component samples.</summary>
public sealed class MixturePriorCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vae-cli-mixture-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string File(string name) => Path.Combine(_dir, name);

    [Fact]
    public void TrainExportsThePriorAndEvalAndSampleUseIt()
    {
        var train = CliRunner.Run("train", "--limit", "300", "--epochs", "3", "--hidden", "32", "--latent", "3", "--batch-size", "64",
            "--prior-components", "4", "--threads", "1", "--seed", "7", "--out", _dir);
        Assert.True(train.ExitCode == 0, train.Error);

        foreach (string model in new[] { "vae.onnx", "decoder.onnx" })
        {
            var metadata = OnnxModelFile.GetMetadata(OnnxModelFile.Read(File(model)));
            Assert.Contains(";prior=mixture4", metadata[VaeContract.Metadata.Architecture], StringComparison.Ordinal);
            using var prior = JsonDocument.Parse(metadata[VaeContract.Metadata.Prior]);
            var weights = prior.RootElement.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble()).ToArray();
            Assert.Equal(4, weights.Length);
            Assert.Equal(1.0, weights.Sum(), 1e-6);
            Assert.All(prior.RootElement.GetProperty("variances").EnumerateArray(), v => Assert.Equal(3, v.GetArrayLength()));
        }

        // The KL of the ONNX model (closed form at μ) is the checkpoint's (closed form too; only the reconstruction samples z).
        double OnnxKl(params string[] source)
        {
            var eval = CliRunner.Run(new[] { "eval", "--limit", "300" }.Concat(source).ToArray());
            Assert.True(eval.ExitCode == 0, eval.Error);
            return double.Parse(Regex.Match(eval.Output, @"KL \(nats/image\)\s*│?\s*([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        }
        double fromOnnx = OnnxKl("--model", File("vae.onnx")), fromCheckpoint = OnnxKl("--checkpoint", File("checkpoint.vaeckpt"));
        Assert.True(fromOnnx > 0);
        Assert.Equal(fromCheckpoint, fromOnnx, 0.02);

        // One row per component: 4 rows even when 2 are asked for.
        var sample = CliRunner.Run("sample", "--decoder", File("decoder.onnx"), "--rows", "2", "--columns", "5", "--out", File("s.png"));
        Assert.True(sample.ExitCode == 0, sample.Error);
        var standard = CliRunner.Run("train", "--limit", "300", "--epochs", "1", "--hidden", "32", "--latent", "3", "--threads", "1", "--out", File("standard"));
        Assert.True(standard.ExitCode == 0, standard.Error);
        var twoRows = CliRunner.Run("sample", "--decoder", Path.Combine(File("standard"), "decoder.onnx"), "--rows", "4", "--columns", "5", "--out", File("n.png"));
        Assert.True(twoRows.ExitCode == 0, twoRows.Error);
        using var mixtureGrid = PngAssert.Valid(File("s.png"));
        using var standardGrid = PngAssert.Valid(File("n.png"));
        Assert.Equal(standardGrid.Height, mixtureGrid.Height);
    }

    [Fact]
    public void SampleNamesTheDecoderWhosePriorMetadataIsBroken()
    {
        var train = CliRunner.Run("train", "--limit", "300", "--epochs", "2", "--hidden", "32", "--latent", "3", "--prior-components", "2",
            "--threads", "1", "--out", _dir);
        Assert.True(train.ExitCode == 0, train.Error);
        var decoder = OnnxModelFile.Read(File("decoder.onnx"));
        OnnxModelFile.SetMetadata(decoder, VaeContract.Metadata.Prior, """{"weights":[0.5,0.5],"means":[[0,0,0]],"variances":[[1,1,1]]}""");
        OnnxModelFile.Write(decoder, File("broken.onnx"));

        var result = CliRunner.Run("sample", "--decoder", File("broken.onnx"), "--out", File("x.png"));
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("broken.onnx", result.Error, StringComparison.Ordinal);
        Assert.Contains(VaeContract.Metadata.Prior, result.Error, StringComparison.Ordinal);
        Assert.False(System.IO.File.Exists(File("x.png")));
    }
}
