using Vae.MLNet;
using Vae.Training.Export;
using Vae.Training.Tests.Training;
using static TorchSharp.torch;
using static Vae.Training.Tests.Onnx.OnnxTestSupport;

namespace Vae.Training.Tests.Onnx;

/// <summary>
/// A tiny conv VAE over 3-channel images trained a few steps under each colour likelihood, exported, and run by
/// ONNX Runtime: reconstruction_error against TorchSharp's formula on the same network (1e-4), the reconstruction
/// against the likelihood's mean computed here in double, the scales in the metadata against the trained ones,
/// the divergence against the error minus the floor by hand, and the error map against the model's error.
/// </summary>
[Collection(TrainingCollection.Name)]
public sealed class LikelihoodParityTests : IDisposable
{
    private const double Delta = 1.0 / 255;
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-likelihood-parity-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<VaeLikelihood> ColourLikelihoods() => new() { VaeLikelihood.Gaussian, VaeLikelihood.Laplace, VaeLikelihood.DiscretizedLogistic };

    [Theory]
    [MemberData(nameof(ColourLikelihoods))]
    public void Exported_model_follows_the_trained_likelihood_in_onnx_runtime(VaeLikelihood likelihood)
    {
        using var trainer = new VaeTrainer(TinyColour.Conv, TinyColour.Options(likelihood, epochs: 2));
        trainer.Train(TinyColour.Train);
        var scales = trainer.Loss.Scales;
        Assert.Equal(3, scales.Count);
        Assert.All(scales, s => Assert.True(Math.Abs(s - 0.1) > 1e-3, $"the scale {s} should have moved from its start 0.1"));
        Assert.True(scales.Max() - scales.Min() > 1e-4, $"the three channels should have learned their own scales: {string.Join(", ", scales)}");
        var files = trainer.Export(_folder, TinyColour.Train);

        var test = TinyColour.Validation;
        float[] testPixels = test.CopyPixels(0, test.Count);
        int batch = test.Count, d = test.PixelsPerImage;
        var outputs = Run(files.VaeModelPath, VaeContract.ImageInput, testPixels, [batch, 3, 28, 28]);
        using var scope = NewDisposeScope();
        Tensor decoded, images = tensor(testPixels, [batch, 3, 28, 28]);
        using (no_grad())
        {
            trainer.Network.eval();
            decoded = trainer.Network.forward(images).Logits;
        }
        float[] torchError = ToArray(VaeReconstructionError.PerImage(decoded, images, likelihood, scales: scales));
        AssertClose(torchError, outputs[VaeContract.ReconstructionError].Values, $"{likelihood} reconstruction_error vs TorchSharp", relative: true);

        // The reconstruction is the likelihood's mean in pixel space: the output itself, or the censored logistic mean.
        float[] location = ToArray(decoded);
        var expectedMean = new float[location.Length];
        for (int i = 0; i < location.Length; i++)
        {
            double s = scales[i / (28 * 28) % 3], mu = location[i];
            static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
            expectedMean[i] = likelihood == VaeLikelihood.DiscretizedLogistic ? (float)(s * (Softplus(mu / s) - Softplus((mu - 1) / s))) : (float)mu;
        }
        AssertClose(expectedMean, outputs[VaeContract.Reconstruction].Values, $"{likelihood} reconstruction");

        using var model = VaeModel.Load(files.VaeModelPath);
        Assert.Equal(likelihood, model.Likelihood);
        string key = likelihood == VaeLikelihood.Gaussian ? VaeContract.Metadata.GaussianSigma : VaeContract.Metadata.LikelihoodScale;
        double[] stated = System.Text.Json.JsonSerializer.Deserialize<double[]>(model.Metadata[key])!;
        Assert.Equal(scales, stated); // round-trip numbers

        // Divergence = error − floor, the floor by hand: Gaussian Σ_c HW·(log σ_c + ½ log 2π), Laplace Σ_c HW·log 2b_c,
        // logistic −log tanh(Δ/4s_c) for each pixel strictly inside (0, 1).
        var result = model.Run(testPixels, batch, VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence);
        for (int n = 0; n < batch; n++)
        {
            double floor = 0;
            for (int i = 0; i < d; i++)
            {
                double s = scales[i / (28 * 28)], x = testPixels[n * d + i];
                floor += likelihood switch
                {
                    VaeLikelihood.Gaussian => Math.Log(s) + 0.5 * Math.Log(2 * Math.PI),
                    VaeLikelihood.Laplace => Math.Log(2 * s),
                    _ => x > Delta / 2 && x < 1 - Delta / 2 ? -Math.Log(Math.Tanh(Delta / (4 * s))) : 0,
                };
            }
            double error = result.ReconstructionError![n];
            Assert.True(Math.Abs(error - floor - result.ReconstructionDivergence![n]) <= 2e-6 * Math.Abs(error) + 1e-3,
                $"{likelihood} row {n}: error {error}, floor by hand {floor}, divergence {result.ReconstructionDivergence[n]}");
        }

        // The error map recomputes the terms from the reconstruction (through the mean's inverse for the logistic).
        foreach (int n in new[] { 0, 17 })
        {
            var map = ReconstructionErrorMap.Compute(model, test.Image(n));
            Assert.True(Math.Abs(map.Total - map.ModelError) <= 1e-4 * Math.Abs(map.ModelError), $"{likelihood} image {n}: Σ map {map.Total}, model error {map.ModelError}");
        }
    }

    [Fact]
    public void Decoder_model_gives_the_same_mean_and_location()
    {
        using var trainer = new VaeTrainer(TinyColour.Conv, TinyColour.Options(VaeLikelihood.DiscretizedLogistic, epochs: 1));
        trainer.Train(TinyColour.Train);
        var files = trainer.Export(_folder, TinyColour.Train);
        using var scope = NewDisposeScope();
        var z = randn(8, 4, generator: new TorchSharp.torch.Generator(5, CPU));
        Tensor location;
        using (no_grad()) location = trainer.Network.Decode(z);
        var decoderOutputs = Run(files.DecoderModelPath, VaeContract.LatentInput, ToArray(z), [8, 4]);
        AssertClose(ToArray(location), decoderOutputs[VaeOnnxExporter.DecoderLogitsOutput].Values, "logits (the location)");
        // The decoder's reconstruction is the same node chain as vae.onnx's: means strictly inside (0, 1).
        Assert.All(decoderOutputs[VaeContract.Reconstruction].Values, v => Assert.True(v is > 0 and < 1, $"mean {v}"));
    }
}
