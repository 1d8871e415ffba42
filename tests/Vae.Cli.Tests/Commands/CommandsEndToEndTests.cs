using Vae.Training.Tests.Plots;

namespace Vae.Training.Tests.Cli;

/// <summary>A tiny 'vae train' run shared by the tests of the commands that consume its output.</summary>
public sealed class TrainedModelFixture : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("vae-cli-").FullName;
    public CliRunner.Result Train { get; }

    public TrainedModelFixture()
    {
        Train = CliRunner.Run("train", "--limit", "300", "--epochs", "2", "--hidden", "32", "--latent", "3", "--batch-size", "64",
            "--threads", "1", "--seed", "7", "--out", Directory);
    }

    public string File(string name) => Path.Combine(Directory, name);

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public class CommandsEndToEndTests : IClassFixture<TrainedModelFixture>
{
    private readonly TrainedModelFixture _model;

    public CommandsEndToEndTests(TrainedModelFixture model) => _model = model;

    [Fact]
    public void Train_writes_checkpoint_metrics_models_and_figures()
    {
        Assert.True(_model.Train.ExitCode == 0, $"train failed: {_model.Train.Error}");
        foreach (var name in new[] { "checkpoint.vaeckpt", "metrics.json", "metrics.csv", "vae.onnx", "decoder.onnx" })
            Assert.True(File.Exists(_model.File(name)), $"{name} missing");
        using (PngAssert.Valid(_model.File("loss.png"), 1280, 480)) { }
        foreach (var name in new[] { "reconstructions.png", "samples.png", "interpolation.png" })
            using (PngAssert.Valid(_model.File(name))) { }
        // Both loss terms are shown per epoch.
        Assert.Contains("epoch   2: train recon", _model.Train.Output, StringComparison.Ordinal);
        Assert.Contains(" KL ", _model.Train.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_reports_the_elbo_split_for_model_and_checkpoint()
    {
        foreach (var args in new[] { new[] { "--model", _model.File("vae.onnx") }, new[] { "--checkpoint", _model.File("checkpoint.vaeckpt") } })
        {
            var result = CliRunner.Run(new[] { "eval", "--limit", "300" }.Concat(args).ToArray());
            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("reconstruction (nats/image)", result.Output, StringComparison.Ordinal);
            Assert.Contains("−ELBO (nats/image)", result.Output, StringComparison.Ordinal);
            Assert.Contains("of 3", result.Output, StringComparison.Ordinal); // active units of k = 3
        }
    }

    [Fact]
    public void Sample_and_interpolate_write_grids()
    {
        string samples = _model.File("s.png"), line = _model.File("i.png");
        var sample = CliRunner.Run("sample", "--decoder", _model.File("decoder.onnx"), "--rows", "2", "--columns", "5", "--out", samples);
        Assert.True(sample.ExitCode == 0, sample.Error);
        using (PngAssert.Valid(samples)) { }
        var interpolate = CliRunner.Run("interpolate", "--model", _model.File("vae.onnx"), "--limit", "300", "--from", "0", "--to", "5", "--steps", "6", "--out", line);
        Assert.True(interpolate.ExitCode == 0, interpolate.Error);
        using (PngAssert.Valid(line)) { }
    }

    [Fact]
    public void Interpolate_names_an_index_out_of_range()
    {
        var result = CliRunner.Run("interpolate", "--model", _model.File("vae.onnx"), "--limit", "300", "--to", "99999", "--out", _model.File("x.png"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("99999", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_refuses_a_model_that_is_not_a_decoder()
    {
        var result = CliRunner.Run("sample", "--decoder", _model.File("vae.onnx"), "--out", _model.File("bad.png"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("not a decoder model", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_model.File("bad.png")));
    }

    [Fact]
    public void Export_rewrites_the_models_from_the_checkpoint()
    {
        string dir = Path.Combine(_model.Directory, "exported");
        var result = CliRunner.Run("export", "--checkpoint", _model.File("checkpoint.vaeckpt"), "--limit", "300", "--out", dir);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.True(new FileInfo(Path.Combine(dir, "vae.onnx")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(dir, "decoder.onnx")).Length > 1000);
    }
}
