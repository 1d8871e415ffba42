using Vae.MLNet;
using static TorchSharp.torch;

namespace Vae.Training.Export;

/// <summary>
/// The per-image reconstruction error −log p(x|x̂) of <see cref="VaeLikelihood"/> in TorchSharp for fixed
/// scales — the training loss's formula (<see cref="VaeLoss"/>), which the exported graph computes too
/// (<c>reconstruction_error</c>), so training-time error quantiles and ONNX scores are on one scale.
/// </summary>
public static class VaeReconstructionError
{
    /// <summary>
    /// Error per image, [N], from the decoder output <paramref name="decoderOutput"/> (Bernoulli logits, the
    /// Gaussian or Laplace mean, the logistic's location) and the images <paramref name="images"/> (pixels in
    /// [0, 1]), both [N, C, H, W]. The scale: <paramref name="gaussianSigma"/> (one σ for every channel) or
    /// <paramref name="scales"/> (one σ_c, b_c or s_c per channel); see <see cref="VaeExportInfo"/>.
    /// </summary>
    public static Tensor PerImage(Tensor decoderOutput, Tensor images, VaeLikelihood likelihood, double? gaussianSigma = null, IReadOnlyList<double>? scales = null)
    {
        ArgumentNullException.ThrowIfNull(decoderOutput);
        ArgumentNullException.ThrowIfNull(images);
        if (!decoderOutput.shape.SequenceEqual(images.shape))
            throw new ArgumentException(
                $"Decoder output shape [{string.Join(", ", decoderOutput.shape)}] differs from image shape [{string.Join(", ", images.shape)}].");
        double[]? resolved = LikelihoodScales.Resolve(likelihood, gaussianSigma, scales, (int)images.shape[1]);
        if (resolved is null)
            return VaeLoss.ReconstructionPerImage(decoderOutput, images, likelihood, 0, null);
        if (likelihood == VaeLikelihood.Gaussian && resolved.Length == 1)
            return VaeLoss.ReconstructionPerImage(decoderOutput, images, likelihood, Math.Log(resolved[0]), null);
        using var logScale = tensor(resolved.Select(s => (float)Math.Log(s)).ToArray());
        return VaeLoss.ReconstructionPerImage(decoderOutput, images, likelihood, 0, logScale);
    }

    /// <summary>The Gaussian error's constant part for <paramref name="pixelCount"/> pixels: D·(log σ + ½·log 2π).</summary>
    public static double GaussianNormalizer(double sigma, long pixelCount) => ReconstructionFloor.GaussianNormalizer(sigma, pixelCount);
}
