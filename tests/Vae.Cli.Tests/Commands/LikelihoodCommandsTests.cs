using SkiaSharp;
using Vae.Cli;
using Vae.MLNet;
using Vae.Training.Data;

namespace Vae.Training.Tests.Cli;

/// <summary>
/// <c>vae train</c>'s likelihood choice on a folder of colour PNGs (each image three Fashion-MNIST test images as
/// its red, green and blue channels): the discretized logistic by default with --rgb, Bernoulli without, and the
/// options that choose another.
/// </summary>
public sealed class LikelihoodCommandsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("vae-cli-likelihood-").FullName;

    public LikelihoodCommandsTests()
    {
        var gray = FashionMnist.LoadEmbeddedTest();
        string folder = Directory.CreateDirectory(Path.Combine(_root, "images", "triples")).FullName;
        for (int i = 0; i < 48; i++)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Rgba8888, SKAlphaType.Opaque));
            for (int y = 0; y < 28; y++)
                for (int x = 0; x < 28; x++)
                {
                    byte Level(int c) => (byte)Math.Round(gray.Image(3 * i + c)[y * 28 + x] * 255);
                    bitmap.SetPixel(x, y, new SKColor(Level(0), Level(1), Level(2)));
                }
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D2}.png"), png.ToArray());
        }
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (CliRunner.Result Result, IReadOnlyDictionary<string, string> Metadata) Train(string name, params string[] extra)
    {
        string output = Path.Combine(_root, name);
        string[] args = ["train", "--images", Path.Combine(_root, "images"), "--image-size", "28x28", "--epochs", "1", "--hidden", "16", "--latent", "2",
            "--batch-size", "16", "--threads", "1", "--out", output, .. extra];
        var result = CliRunner.Run(args);
        Assert.True(result.ExitCode == 0, $"train {string.Join(' ', extra)} failed: {result.Error}");
        using var model = VaeModel.Load(Path.Combine(output, "vae.onnx"));
        return (result, model.Metadata);
    }

    [Fact]
    public void Rgb_images_default_to_the_discretized_logistic_and_grayscale_to_bernoulli()
    {
        var (_, rgb) = Train("rgb", "--rgb");
        Assert.Equal("discretized_logistic", rgb[VaeContract.Metadata.Likelihood]);
        Assert.Equal(3, System.Text.Json.JsonSerializer.Deserialize<double[]>(rgb[VaeContract.Metadata.LikelihoodScale])!.Length);

        // eval reports the logistic's −ELBO in bits/dim too: nats / (D·ln 2), D = 3·28·28.
        var eval = CliRunner.Run("eval", "--model", Path.Combine(_root, "rgb", "vae.onnx"), "--images", Path.Combine(_root, "images"), "--image-size", "28x28", "--rgb");
        Assert.True(eval.ExitCode == 0, eval.Error);
        double Row(string label) => double.Parse(eval.Output.Split('\n').Single(l => l.Contains(label, StringComparison.Ordinal))
            .Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(Row("−ELBO (nats/image)") / (3 * 28 * 28 * Math.Log(2)), Row("−ELBO (bits/dim)"), 2e-3);

        var (_, gray) = Train("gray");
        Assert.Equal("bernoulli", gray[VaeContract.Metadata.Likelihood]);
        Assert.False(gray.ContainsKey(VaeContract.Metadata.LikelihoodScale));
    }

    [Fact]
    public void Likelihood_learn_sigma_and_scale_choose_the_others()
    {
        var (_, gaussian) = Train("gaussian", "--rgb", "--likelihood", "gaussian", "--learn-sigma", "--sigma", "0.2");
        Assert.Equal("gaussian", gaussian[VaeContract.Metadata.Likelihood]);
        double[] sigmas = System.Text.Json.JsonSerializer.Deserialize<double[]>(gaussian[VaeContract.Metadata.GaussianSigma])!;
        Assert.Equal(3, sigmas.Length);
        Assert.All(sigmas, s => Assert.NotEqual(0.2, s, 4)); // learned from 0.2

        var (_, laplace) = Train("laplace", "--rgb", "--likelihood", "laplace", "--scale", "0.05");
        Assert.Equal("laplace", laplace[VaeContract.Metadata.Likelihood]);
        Assert.All(System.Text.Json.JsonSerializer.Deserialize<double[]>(laplace[VaeContract.Metadata.LikelihoodScale])!, b => Assert.InRange(b, 0.03, 0.08));

        var (_, bernoulli) = Train("bernoulli", "--rgb", "--likelihood", "bernoulli");
        Assert.Equal("bernoulli", bernoulli[VaeContract.Metadata.Likelihood]);
    }

    [Fact]
    public void Settings_that_do_not_fit_the_likelihood_are_one_line_naming_the_option()
    {
        var result = CliRunner.Run("train", "--likelihood", "laplace", "--learn-sigma");
        Assert.Equal(VaeCommandLine.UsageError, result.ExitCode);
        Assert.Contains("--learn-sigma", result.Error, StringComparison.Ordinal);
        Assert.Contains("laplace", result.Error, StringComparison.Ordinal);
        result = CliRunner.Run("train", "--scale", "0");
        Assert.Equal(VaeCommandLine.UsageError, result.ExitCode);
        Assert.Contains("--scale must be > 0", result.Error, StringComparison.Ordinal);
    }
}
