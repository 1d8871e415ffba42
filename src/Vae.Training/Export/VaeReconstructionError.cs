using Vae.MLNet;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace Vae.Training.Export;

/// <summary>
/// The per-image reconstruction error −log p(x|x̂) of <see cref="VaeLikelihood"/> in TorchSharp — the
/// same formula the exported graph computes (<c>reconstruction_error</c>), so training-time error
/// quantiles and ONNX scores are on one scale.
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

        using var scope = NewDisposeScope();
        Tensor error;
        if (likelihood == VaeLikelihood.Bernoulli)
        {
            // softplus(l) − x·l written as max(l, 0) − x·l + log(1 + exp(−|l|)), stable for large |l|.
            var l = decoderOutput;
            var perPixel = functional.relu(l) - images * l + (-l.abs()).exp().log1p();
            error = perPixel.flatten(1).sum(1);
        }
        else if (likelihood == VaeLikelihood.Gaussian)
        {
            double sigma = gaussianSigma is > 0 and < double.PositiveInfinity
                ? gaussianSigma.Value
                : throw new ArgumentException($"A Gaussian likelihood needs a finite sigma > 0, got {gaussianSigma?.ToString() ?? "null"}.", nameof(gaussianSigma));
            long pixels = images.shape.Skip(1).Aggregate(1L, (product, size) => product * size);
            var squared = (images - decoderOutput).square().flatten(1).sum(1);
            error = squared * (0.5 / (sigma * sigma)) + GaussianNormalizer(sigma, pixels);
        }
        else
        {
            throw new ArgumentException($"Unknown likelihood {(int)likelihood}.", nameof(likelihood));
        }
        return scope.MoveToOuter(error);
    }

    /// <summary>The Gaussian error's constant part for <paramref name="pixelCount"/> pixels: D·(log σ + ½·log 2π).</summary>
    public static double GaussianNormalizer(double sigma, long pixelCount) => ReconstructionFloor.GaussianNormalizer(sigma, pixelCount);
}
