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
