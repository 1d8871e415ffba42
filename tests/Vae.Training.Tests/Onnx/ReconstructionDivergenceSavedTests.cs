using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.Training.Models;
using Vae.Training.Export;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

/// <summary>
/// The Gaussian divergence ½ Σ (x − x̂)²/σ² through the featurizer, in process and in the saved built-in
/// chain (where the floor is an ONNX constant), against the reconstruction the same pipeline returns; and a
/// per-channel Laplace and logistic divergence alike in process, in the saved chain and from the model itself.
/// </summary>
public sealed class ReconstructionDivergenceSavedTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-divergence-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private sealed class PixelRow
    {
        [VectorType(784)]
        public float[] Pixels { get; set; } = [];
    }

    private sealed class InProcessRow
    {
        public float Divergence { get; set; }
        public float[] Reconstruction { get; set; } = [];
    }

    private sealed class SavedRow
    {
        public float[] Divergence { get; set; } = [];
    }

    private sealed class ColourRow
    {
        [VectorType(3 * 784)]
        public float[] Pixels { get; set; } = [];
    }

    private sealed class ColourInProcessRow
    {
        public float Divergence { get; set; }
    }

    [Theory]
    [InlineData(VaeLikelihood.Laplace)]
    [InlineData(VaeLikelihood.DiscretizedLogistic)]
    public void Per_channel_divergence_is_the_same_in_process_after_save_and_load_and_in_the_model(VaeLikelihood likelihood)
    {
        TorchSharp.torch.manual_seed(3);
        using var network = new VaeNetwork(Training.TinyColour.Conv);
        network.eval();
        var info = Info(likelihood) with { GaussianSigma = null, LikelihoodScales = [0.05, 0.1, 0.2] };
        string path = VaeOnnxExporter.Export(network, info, _folder).VaeModelPath;
        var images = Training.TinyColour.Images(0, 8);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, images.Count).Select(r => new ColourRow { Pixels = images.Image(r).ToArray() }).ToList());

        string zip = Path.Combine(_folder, "colour-featurizer.zip");
        List<ColourInProcessRow> inProcess;
        float[] direct;
        using (var model = VaeModel.Load(path))
        using (var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions
        {
            InputColumnName = "Pixels", MuColumnName = null, SigmaColumnName = null, ReconstructionDivergenceColumnName = "Divergence",
        }, model).Fit(data))
        {
            inProcess = ml.Data.CreateEnumerable<ColourInProcessRow>(transformer.Transform(data), reuseRowObject: false).ToList();
            ml.Model.Save(transformer, data.Schema, zip);
            direct = model.Run(images.CopyPixels(0, images.Count), images.Count, VaeOutputKinds.ReconstructionDivergence).ReconstructionDivergence!;
        }
        var savedRows = ml.Data.CreateEnumerable<SavedRow>(new MLContext(seed: 2).Model.Load(zip, out _).Transform(data), reuseRowObject: false).ToList();
        for (int r = 0; r < images.Count; r++)
        {
            Assert.True(direct[r] > 1, $"row {r}: an untrained decoder is far from the image (divergence {direct[r]})");
            Assert.Equal(direct[r], inProcess[r].Divergence, direct[r] * 1e-5);
            Assert.Equal(direct[r], savedRows[r].Divergence[0], direct[r] * 1e-5);
        }
    }

    [Fact]
    public void Gaussian_divergence_is_half_the_scaled_squared_error_in_process_and_after_save_and_load()
    {
        using var network = TinyNetwork(VaeKind.Conv);
        var info = Info(VaeLikelihood.Gaussian);
        string path = VaeOnnxExporter.Export(network, info, _folder).VaeModelPath;
        const int count = 12;
        float[] pixels = Pixels(count);
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(r => new PixelRow { Pixels = pixels.AsSpan(r * 784, 784).ToArray() }).ToList());

        string zip = Path.Combine(_folder, "featurizer.zip");
        List<InProcessRow> inProcess;
        using (var model = VaeModel.Load(path))
        using (var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions
        {
            InputColumnName = "Pixels",
            MuColumnName = null,
            SigmaColumnName = null,
            ReconstructionDivergenceColumnName = "Divergence",
            ReconstructionColumnName = "Reconstruction",
        }, model).Fit(data))
        {
            inProcess = ml.Data.CreateEnumerable<InProcessRow>(transformer.Transform(data), reuseRowObject: false).ToList();
            ml.Model.Save(transformer, data.Schema, zip);
        }
        var saved = new MLContext(seed: 2).Model.Load(zip, out _);
        var savedRows = ml.Data.CreateEnumerable<SavedRow>(saved.Transform(data), reuseRowObject: false).ToList();

        double sigma = info.GaussianSigma!.Value;
        for (int r = 0; r < count; r++)
        {
            double expected = 0;
            for (int i = 0; i < 784; i++)
                expected += 0.5 * Math.Pow((pixels[r * 784 + i] - inProcess[r].Reconstruction[i]) / sigma, 2);
            Assert.True(Math.Abs(expected - inProcess[r].Divergence) <= 1e-3 * expected, $"row {r}: in process {inProcess[r].Divergence}, by hand {expected}");
            Assert.True(Math.Abs(expected - savedRows[r].Divergence[0]) <= 1e-3 * expected, $"row {r}: saved {savedRows[r].Divergence[0]}, by hand {expected}");
        }
    }
}
