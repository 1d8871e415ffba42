using SkiaSharp;
using Vae.MLNet;
using Vae.Training.Export;
using Vae.Training.Models;
using static TorchSharp.torch;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

/// <summary>
/// The error map of an RGB model: per location the sum over the three channels of −log p(x|x̂), checked by
/// hand against the exported model's own reconstruction, and the colour heatmap drawn from it (the RGB image
/// under inferno at opacity 0.7). 12×10 (H×W) so a swapped height and width shows.
/// </summary>
public sealed class ColorErrorHeatmapTests : IDisposable
{
    private const int H = 12, W = 10, Plane = H * W;
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-color-heatmap-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string ExportRgbModel(VaeLikelihood likelihood)
    {
        manual_seed(11);
        using var network = new VaeNetwork(VaeArchitecture.Mlp(channels: 3, height: H, width: W, latentDim: 4, hidden: 32));
        network.eval();
        return VaeOnnxExporter.Export(network, Info(likelihood), Path.Combine(_folder, likelihood.ToString())).VaeModelPath;
    }

    /// <summary>Real pixels: crops of three Fashion-MNIST images as the R, G and B planes.</summary>
    private static float[] RgbImage()
    {
        var pixels = new float[3 * Plane];
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    pixels[c * Plane + y * W + x] = Images.Image(c)[(y + 8) * 28 + x + 9];
        return pixels;
    }

    [Theory]
    [InlineData(VaeLikelihood.Bernoulli)]
    [InlineData(VaeLikelihood.Gaussian)]
    public void Location_error_is_the_sum_over_channels_of_the_likelihood_terms_of_the_models_reconstruction(VaeLikelihood likelihood)
    {
        string path = ExportRgbModel(likelihood);
        float[] x = RgbImage();
        using var model = VaeModel.Load(path);
        var map = ReconstructionErrorMap.Compute(model, x);
        float[] reconstruction = Run(path, "image", x, [1, 3, H, W])["reconstruction"].Values;
        double sigma = Info(likelihood).GaussianSigma ?? double.NaN;

        Assert.Equal(3, map.Channels);
        Assert.Equal(Plane, map.LocationValues.Count);
        for (int i = 0; i < Plane; i++)
        {
            double expected = 0;
            for (int c = 0; c < 3; c++)
            {
                double xi = x[c * Plane + i], mean = reconstruction[c * Plane + i];
                expected += likelihood == VaeLikelihood.Bernoulli
                    ? -(xi * Math.Log(mean) + (1 - xi) * Math.Log(1 - mean))
                    : 0.5 * Math.Pow((xi - mean) / sigma, 2) + Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI);
            }
            Assert.True(Math.Abs(expected - map.LocationValues[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected)),
                $"location {i}: by hand {expected}, map {map.LocationValues[i]}");
        }
        Assert.Equal(map.Total, map.LocationValues.Sum(v => (double)v), 3);
    }

    [Fact]
    public void Heatmap_is_the_color_image_under_inferno_at_opacity_0_7_with_the_top_color_at_the_largest_error()
    {
        float[] x = RgbImage();
        using var model = VaeModel.Load(ExportRgbModel(VaeLikelihood.Bernoulli));
        var map = ReconstructionErrorMap.Compute(model, x);
        string png = Path.Combine(_folder, "heatmap.png");
        map.SaveHeatmapPng(png, scale: 3);

        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal(W * 3, bitmap.Width);
        Assert.Equal(H * 3, bitmap.Height);

        // Undo the blend: drawn = 0.3·image + 0.7·colour, so colour = (drawn − 0.3·image) / 0.7 (to within 1/255).
        const double alpha = 0.7;
        double[] Overlay(int i)
        {
            var drawn = bitmap.GetPixel(i % W * 3 + 1, i / W * 3 + 2);
            double Unblend(byte value, float image) => (value / 255.0 - (1 - alpha) * image) / alpha;
            return [Unblend(drawn.Red, x[i]), Unblend(drawn.Green, x[Plane + i]), Unblend(drawn.Blue, x[2 * Plane + i])];
        }
        var scott = new ScottPlot.Colormaps.Inferno(); // an independent copy of matplotlib's table
        int worst = Enumerable.Range(0, Plane).MaxBy(i => map.LocationValues[i]);
        double[] top = Overlay(worst);
        double[] inferno1 = [0.988362, 0.998364, 0.644924]; // matplotlib's last inferno entry
        var scottTop = scott.GetColor(1.0);
        double[] scottTopRgb = [scottTop.R / 255.0, scottTop.G / 255.0, scottTop.B / 255.0];
        for (int c = 0; c < 3; c++)
        {
            Assert.True(Math.Abs(top[c] - inferno1[c]) <= 2.0 / 255, $"largest error: overlay channel {c} = {top[c]:F4}, inferno(1) = {inferno1[c]}");
            Assert.True(Math.Abs(top[c] - scottTopRgb[c]) <= 3.0 / 255, $"largest error: overlay channel {c} = {top[c]:F4}, ScottPlot's inferno(1) = {scottTopRgb[c]:F4}");
        }

        // Every location shows the image in colour under inferno(t), t = its error / the largest.
        float max = map.LocationValues.Max();
        for (int i = 0; i < Plane; i++)
        {
            double t = map.LocationValues[i] / max;
            var expected = scott.GetColor(t);
            double[] overlay = Overlay(i);
            double[] reference = [expected.R / 255.0, expected.G / 255.0, expected.B / 255.0];
            for (int c = 0; c < 3; c++)
                Assert.True(Math.Abs(overlay[c] - reference[c]) <= 6.0 / 255, $"location {i} (t = {t:F3}), channel {c}: overlay {overlay[c]:F4}, ScottPlot's inferno {reference[c]:F4}");
        }
        // The image's colours come through: the three channels differ, unlike a gray rendering.
        int colorful = Enumerable.Range(0, Plane).MaxBy(i => Math.Abs(x[i] - x[Plane + i]) + Math.Abs(x[Plane + i] - x[2 * Plane + i]));
        Assert.True(Math.Abs(x[colorful] - x[Plane + colorful]) > 0.3, "the test image needs a location whose channels differ");
    }
}
