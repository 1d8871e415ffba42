using Vae.MLNet;
using static TorchSharp.torch;

namespace Vae.Training.Export;

/// <summary>
/// The per-image reconstruction error −log p(x|x̂) of <see cref="VaeLikelihood"/> in TorchSharp for a
/// fixed σ — the training loss's formula (<see cref="VaeLoss"/>), which the exported graph computes too
/// (<c>reconstruction_error</c>), so training-time error quantiles and ONNX scores are on one scale.
/// </summary>
public static class VaeReconstructionError
{
    /// <summary>
    /// Error per image, [N], from the decoder output <paramref name="decoderOutput"/> (Bernoulli logits or
    /// Gaussian mean) and the images <paramref name="images"/> (pixels in [0, 1]), both [N, C, H, W].
    /// </summary>
    public static Tensor PerImage(Tensor decoderOutput, Tensor images, VaeLikelihood likelihood, double? gaussianSigma = null)
    {
        ArgumentNullException.ThrowIfNull(decoderOutput);
        ArgumentNullException.ThrowIfNull(images);
        if (!decoderOutput.shape.SequenceEqual(images.shape))
            throw new ArgumentException(
                $"Decoder output shape [{string.Join(", ", decoderOutput.shape)}] differs from image shape [{string.Join(", ", images.shape)}].");

        if (likelihood == VaeLikelihood.Gaussian && gaussianSigma is not (> 0 and < double.PositiveInfinity))
            throw new ArgumentException($"A Gaussian likelihood needs a finite sigma > 0, got {gaussianSigma?.ToString() ?? "null"}.", nameof(gaussianSigma));
        return VaeLoss.ReconstructionPerImage(decoderOutput, images, likelihood, likelihood == VaeLikelihood.Gaussian ? Math.Log(gaussianSigma!.Value) : 0, null);
    }

    /// <summary>The Gaussian error's constant part for <paramref name="pixelCount"/> pixels: D·(log σ + ½·log 2π).</summary>
    public static double GaussianNormalizer(double sigma, long pixelCount) => ReconstructionFloor.GaussianNormalizer(sigma, pixelCount);
}
