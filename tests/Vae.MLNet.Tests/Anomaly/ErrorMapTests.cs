using SkiaSharp;
using Vae.MLNet;
using Vae.MLNet.Onnx;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Anomaly;

public sealed class ErrorMapTests
{
    [Theory]
    [InlineData(8000)]
    [InlineData(8123)]
    [InlineData(9999)]
    public void Error_map_sums_to_the_models_scalar_error(int row)
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        var pixels = TestData.Images(row, 1)[0];
        var map = ReconstructionErrorMap.Compute(model, pixels);
        var ort = DirectOrt.Run(TestData.ContractVae, "image", [pixels], [1, 28, 28]);

        Assert.Equal(784, map.Values.Count);
        Assert.Equal(ort["reconstruction_error"][0][0], map.ModelError, 3);
        // The map is computed from probabilities, the model's error from logits: equal up to float rounding.
        Assert.True(Math.Abs(map.Total - map.ModelError) <= 1e-4 * map.ModelError, $"Σ map = {map.Total}, model error = {map.ModelError}");
        // Each term is the Bernoulli cross-entropy of that pixel against the ONNX reconstruction.
        var p = ort["reconstruction"][0];
        for (int i = 0; i < 784; i += 97)
        {
            double expected = -(pixels[i] * Math.Log(p[i]) + (1 - pixels[i]) * Math.Log(1 - p[i]));
            Assert.True(Math.Abs(expected - map.Values[i]) <= 1e-3 * Math.Max(1, expected), $"pixel {i}: expected {expected}, got {map.Values[i]}");
        }
        Assert.All(map.Values, v => Assert.True(v >= 0));
    }

    // The per-pixel terms as the session computes them: VaeFormulas' ONNX nodes run by ONNX Runtime on a
    // two-pixel image x against a reconstruction (pixel mean) x̂, checked against the formulas by hand.
    private static float[] Terms(VaeLikelihood likelihood, float[] x, float[] mean, double? sigma)
    {
        var b = new OnnxGraphBuilder("terms");
        string image = b.AddInput("x", [1, x.Length]);
        string reconstruction = b.AddInput("mean", [1, x.Length]);
        b.AddOutput("terms", [1, x.Length]);
        double[]? scales = sigma is { } s ? [s] : null;
        string decoderOutput = VaeFormulas.DecoderOutputFromMean(b, reconstruction, likelihood, scales, x.Length);
        b.AddNode("Identity", [VaeFormulas.ReconstructionErrorTerms(b, image, decoderOutput, likelihood, scales, x.Length)], "terms");
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(b.Build("test", "1"));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(bytes);
        using var xValue = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(x, [1, x.Length]);
        using var meanValue = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(mean, [1, x.Length]);
        using var outputs = session.Run(new Microsoft.ML.OnnxRuntime.RunOptions(), ["x", "mean"], [xValue, meanValue], ["terms"]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Gaussian_terms_follow_the_formula()
    {
        var terms = Terms(VaeLikelihood.Gaussian, [0.5f, 1f], [0.25f, 1f], sigma: 0.5);
        double constant = Math.Log(0.5) + 0.5 * Math.Log(2 * Math.PI);
        Assert.Equal(0.5 * 0.25 + constant, terms[0], 6);
        Assert.Equal(constant, terms[1], 6);
    }

    [Fact]
    public void Bernoulli_terms_are_the_cross_entropy_of_each_pixel()
    {
        var terms = Terms(VaeLikelihood.Bernoulli, [0.25f, 0.9f], [0.5f, 0.2f], sigma: null);
        Assert.Equal(Math.Log(2), terms[0], 5); // −(¼ log ½ + ¾ log ½)
        Assert.Equal(-(0.9 * Math.Log(0.2) + 0.1 * Math.Log(0.8)), terms[1], 5);
    }

    [Fact]
    public void Bernoulli_terms_stay_finite_when_the_reconstruction_rounds_to_0_or_1()
    {
        var terms = Terms(VaeLikelihood.Bernoulli, [0f, 1f, 1f], [1f, 0f, 1f], sigma: null);
        Assert.All(terms, t => Assert.True(float.IsFinite(t)));
        Assert.True(terms[0] > 16 && terms[1] > 16, "a confident wrong pixel costs at least −log(2⁻²⁴)");
        Assert.True(terms[2] < 1e-6);
    }

    [Fact]
    public void Heatmap_png_is_the_upscaled_image_with_the_error_overlay()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        var pixels = TestData.Images(8001, 1)[0];
        var map = ReconstructionErrorMap.Compute(model, pixels);
        string dir = Directory.CreateTempSubdirectory("vae-heatmap").FullName;
        try
        {
            string path = Path.Combine(dir, "heatmap.png");
            map.SaveHeatmapPng(path, scale: 4);
            Assert.Equal(["heatmap.png"], Directory.GetFiles(dir).Select(Path.GetFileName)); // no temp file left
            using var bitmap = SKBitmap.Decode(path);
            Assert.Equal(112, bitmap.Width);
            Assert.Equal(112, bitmap.Height);

            // The location with the largest error is drawn in the colormap's top colour (mostly white-yellow),
            // a location with (near) zero error shows the grayscale image.
            int worst = Enumerable.Range(0, 784).MaxBy(i => map.Values[i]);
            var hot = bitmap.GetPixel(worst % 28 * 4 + 1, worst / 28 * 4 + 1);
            Assert.True(hot.Red > 200 && hot.Green > 200, $"worst pixel drawn as {hot}");
            int best = Enumerable.Range(0, 784).MinBy(i => map.Values[i]);
            var calm = bitmap.GetPixel(best % 28 * 4 + 2, best / 28 * 4 + 3);
            byte gray = (byte)Math.Round(255 * pixels[best]);
            Assert.True(Math.Abs(calm.Red - gray) <= 3 && Math.Abs(calm.Green - gray) <= 3 && Math.Abs(calm.Blue - gray) <= 3, $"calm pixel {calm}, image {gray}");

            // Every location, by hand: the gray image under black-red-yellow-white at opacity 0.8·t, t = error / max.
            Assert.Equal(map.Values, map.LocationValues); // one channel: nothing to sum
            double top = map.Values.Max();
            for (int i = 0; i < 784; i += 13)
            {
                double t = map.Values[i] / top, a = 0.8 * t;
                double[] ramp = [Math.Clamp(3 * t, 0, 1), Math.Clamp(3 * t - 1, 0, 1), Math.Clamp(3 * t - 2, 0, 1)];
                var drawn = bitmap.GetPixel(i % 28 * 4 + 3, i / 28 * 4);
                byte[] actual = [drawn.Red, drawn.Green, drawn.Blue];
                for (int c = 0; c < 3; c++)
                {
                    double expected = 255 * ((1 - a) * pixels[i] + a * ramp[c]);
                    Assert.True(Math.Abs(actual[c] - expected) <= 0.5 + 1e-6, $"location {i}, channel {c}: drawn {actual[c]}, by hand {expected:F2}");
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Bad_inputs_are_rejected_with_clear_messages()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        var e = Assert.Throws<ArgumentException>(() => ReconstructionErrorMap.Compute(model, new float[100]));
        Assert.Contains("784", e.Message, StringComparison.Ordinal);
        var pixels = (float[])TestData.Images(8000, 1)[0].Clone(); // the shared test images must stay intact
        pixels[5] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => ReconstructionErrorMap.Compute(model, pixels));
        Assert.Contains("Pixel 5", e.Message, StringComparison.Ordinal);
        pixels[5] = 1.5f;
        Assert.Throws<ArgumentException>(() => ReconstructionErrorMap.Compute(model, pixels));

        using var foreign = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        e = Assert.Throws<ArgumentException>(() => ReconstructionErrorMap.Compute(foreign, TestData.Images(8000, 1)[0]));
        Assert.Contains("decoder", e.Message, StringComparison.Ordinal);

        var map = ReconstructionErrorMap.Compute(model, TestData.Images(8000, 1)[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => map.SaveHeatmapPng(Path.Combine(Path.GetTempPath(), "x.png"), scale: 0));
        Assert.Throws<DirectoryNotFoundException>(() => map.SaveHeatmapPng("/nonexistent-dir-vae/x.png"));
    }
}
