using System.Globalization;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.Training.Models;
using Vae.Training.Export;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

public sealed class VaeExportMetadataTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-onnx-metadata-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Theory]
    [InlineData(VaeLikelihood.Bernoulli)]
    [InlineData(VaeLikelihood.Gaussian)]
    public void MetadataRoundTripsThroughFileAndOnnxRuntime(VaeLikelihood likelihood)
    {
        using var network = TinyNetwork(VaeKind.Conv);
        var info = Info(likelihood);
        var files = VaeOnnxExporter.Export(network, info, _folder);

        foreach (string path in new[] { files.VaeModelPath, files.DecoderModelPath })
        {
            var fromFile = OnnxModelFile.GetMetadata(OnnxModelFile.Read(path));
            using var session = new InferenceSession(path);
            var fromRuntime = session.ModelMetadata.CustomMetadataMap;
            Assert.Equal(fromFile.OrderBy(p => p.Key), fromRuntime.OrderBy(p => p.Key));

            Assert.Equal("2", fromFile[VaeContract.Metadata.Contract]);
            var preprocessing = VaeImagePreprocessing.FromJson(fromFile[VaeContract.Metadata.Preprocessing], path);
            Assert.Equal((VaeColorMode.Grayscale, VaeResizeMode.Stretch, "#FFFFFF"), (preprocessing.ColorMode, preprocessing.Resize, preprocessing.Background));
            Assert.Equal("1x28x28", fromFile[VaeContract.Metadata.ImageShape]);
            Assert.Equal("4", fromFile[VaeContract.Metadata.LatentDim]);
            Assert.Equal(likelihood == VaeLikelihood.Bernoulli ? "bernoulli" : "gaussian", fromFile[VaeContract.Metadata.Likelihood]);
            if (likelihood == VaeLikelihood.Gaussian)
                Assert.Equal(0.2, double.Parse(fromFile[VaeContract.Metadata.GaussianSigma], CultureInfo.InvariantCulture));
            else
                Assert.False(fromFile.ContainsKey(VaeContract.Metadata.GaussianSigma));
            Assert.Equal("0.75", fromFile[VaeContract.Metadata.Beta]);
            Assert.Equal(network.Architecture.ToString(), fromFile[VaeContract.Metadata.Architecture]);
            Assert.Equal(info.Dataset, fromFile[VaeContract.Metadata.TrainDataset]);
            Assert.StartsWith("Vae.Training ", fromFile[VaeContract.Metadata.Producer], StringComparison.Ordinal);

            using var quantiles = JsonDocument.Parse(fromFile[VaeContract.Metadata.TrainErrorQuantiles]);
            var parsed = quantiles.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            Assert.Equal(new[] { "0.5", "0.9", "0.95", "0.99", "0.999" }, parsed.Keys);
            Assert.Equal(100.5, parsed["0.5"]);
            Assert.Equal(400.125, parsed["0.999"]);
        }
    }

    [Theory]
    [InlineData(VaeLikelihood.Gaussian, "vae.likelihood.sigma", "gaussian")]
    [InlineData(VaeLikelihood.Laplace, "vae.likelihood.scale", "laplace")]
    [InlineData(VaeLikelihood.DiscretizedLogistic, "vae.likelihood.scale", "discretized_logistic")]
    public void ScalePerChannelIsAJsonListUnderTheLikelihoodsKey(VaeLikelihood likelihood, string key, string name)
    {
        using var network = new VaeNetwork(Training.TinyColour.Conv);
        var info = Info(likelihood) with { GaussianSigma = null, LikelihoodScales = [0.05, 0.0625, 1.0 / 3] };
        var fromFile = OnnxModelFile.GetMetadata(VaeOnnxExporter.BuildVaeModel(network, info));
        Assert.Equal(name, fromFile[VaeContract.Metadata.Likelihood]);
        Assert.Equal("[0.05,0.0625,0.3333333333333333]", fromFile[key]);
        string other = key == VaeContract.Metadata.GaussianSigma ? VaeContract.Metadata.LikelihoodScale : VaeContract.Metadata.GaussianSigma;
        Assert.False(fromFile.ContainsKey(other));
        Assert.Equal(fromFile, OnnxModelFile.GetMetadata(VaeOnnxExporter.BuildDecoderModel(network, info)));

        var wrongCount = info with { LikelihoodScales = [0.05, 0.1] };
        Assert.Contains("3 channel(s) needs 3 scale(s), got 2", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, wrongCount)).Message);
        var negative = info with { LikelihoodScales = [0.05, -0.1, 0.1] };
        Assert.Contains("finite number > 0", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, negative)).Message);
        var missing = info with { LikelihoodScales = null };
        Assert.Contains("none was given", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, missing)).Message);
        if (likelihood != VaeLikelihood.Gaussian)
        {
            var sigma = info with { GaussianSigma = 0.1 };
            Assert.Contains("GaussianSigma", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, sigma)).Message);
        }
    }

    [Fact]
    public void MetadataIsCultureInvariant()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE"); // decimal comma
        try
        {
            using var network = TinyNetwork(VaeKind.Mlp);
            var model = VaeOnnxExporter.BuildVaeModel(network, Info(VaeLikelihood.Gaussian));
            Assert.Equal("0.75", OnnxModelFile.GetMetadata(model, VaeContract.Metadata.Beta));
            Assert.Equal("0.2", OnnxModelFile.GetMetadata(model, VaeContract.Metadata.GaussianSigma));
            Assert.Contains("\"0.5\":100.5", OnnxModelFile.GetMetadata(model, VaeContract.Metadata.TrainErrorQuantiles), StringComparison.Ordinal);
        }
        finally { CultureInfo.CurrentCulture = previous; }
    }

    [Fact]
    public void InconsistentExportInfoIsRejected()
    {
        using var network = TinyNetwork(VaeKind.Mlp);
        var gaussianWithoutSigma = Info(VaeLikelihood.Gaussian) with { GaussianSigma = null };
        Assert.Contains("sigma", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, gaussianWithoutSigma)).Message);
        var bernoulliWithSigma = Info(VaeLikelihood.Bernoulli) with { GaussianSigma = 0.1 };
        Assert.Contains("Bernoulli", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, bernoulliWithSigma)).Message);
        var noQuantiles = Info(VaeLikelihood.Bernoulli) with { ErrorQuantiles = new Dictionary<double, double>() };
        Assert.Contains("ErrorQuantiles", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildDecoderModel(network, noQuantiles)).Message);
        var nanQuantile = Info(VaeLikelihood.Bernoulli) with { ErrorQuantiles = new Dictionary<double, double> { [0.5] = double.NaN } };
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, nanQuantile)).Message);
        var negativeBeta = Info(VaeLikelihood.Bernoulli) with { Beta = -1 };
        Assert.Contains("-1", Assert.Throws<ArgumentException>(() => VaeOnnxExporter.BuildVaeModel(network, negativeBeta)).Message);
    }
}
