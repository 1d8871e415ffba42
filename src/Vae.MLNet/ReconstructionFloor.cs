namespace Vae.MLNet;

/// <summary>
/// The reconstruction error a perfect reconstruction would have, min over x̂ of −log p(x|x̂), and the
/// reconstruction divergence error − floor. Under a Bernoulli likelihood the floor is Σ H(xᵢ), the
/// binary entropy of every gray pixel (0 for pure black or white): images with many mid-gray pixels have a
/// large BCE however well they are reconstructed, so the raw error ranks textured images as anomalous
/// (on one-class Fashion-MNIST, T-shirts scored by BCE reach AUROC 0.68; by the divergence 0.92). The
/// divergence Σ KL(Bern(xᵢ) ‖ Bern(x̂ᵢ)) is zero for a perfect reconstruction and carries no such bias.
/// Under a Gaussian likelihood the floor is the constant Σ_c HW·(log σ_c + ½ log 2π) and the divergence is
/// ½ Σ (x − x̂)²/σ_c²; under a Laplace likelihood the constant Σ_c HW·log(2b_c), the divergence Σ |x − x̂|/b_c.
/// Under the discretized logistic a pixel at 0 or 1 can be predicted with probability → 1 (floor 0), a pixel
/// inside at best with the mass of its own bin centred on it, 2σ(Δ/2s) − 1 = tanh(Δ/4s): the floor counts
/// −log tanh(Δ/4s_c) for every pixel strictly inside (0, 1). This class states the floor; the divergence
/// itself is computed by ONNX nodes (<c>Onnx/VaeFormulas.Divergence</c>) in the in-process session and the
/// saved chain alike.
/// </summary>
internal sealed class ReconstructionFloor
{
    /// <summary>Bin width Δ of the discretized logistic: 256 levels k/255 on [0, 1].</summary>
    public const double LogisticBinWidth = 1.0 / 255;

    private ReconstructionFloor(VaeLikelihood likelihood, double[] scales, double constant, int pixelCount)
    {
        Likelihood = likelihood;
        Scales = scales;
        Constant = constant;
        PixelCount = pixelCount;
    }

    public VaeLikelihood Likelihood { get; }

    /// <summary>The likelihood's scales, one shared or one per channel; empty for Bernoulli.</summary>
    public double[] Scales { get; }

    /// <summary>C·H·W of the model's images.</summary>
    public int PixelCount { get; }

    /// <summary>The constant floor of a Gaussian or Laplace likelihood; 0 for Bernoulli and the discretized logistic, whose floor depends on the image.</summary>
    public double Constant { get; }

    /// <summary>The floor of a contract model; throws naming the metadata the model lacks.</summary>
    public static ReconstructionFloor For(VaeModel model)
    {
        var likelihood = model.Likelihood ?? throw new InvalidDataException(
            $"'{model.Source}' states no {VaeContract.Metadata.Likelihood} metadata, so its reconstruction error has no known floor; " +
            "the reconstruction divergence needs its likelihood.");
        return Create(likelihood, likelihood == VaeLikelihood.Bernoulli ? [] : model.LikelihoodScales(), model.PixelCount);
    }

    /// <summary>The floor of <paramref name="likelihood"/> with <paramref name="scales"/> (one shared or one per channel) over images of <paramref name="pixelCount"/> pixels.</summary>
    public static ReconstructionFloor Create(VaeLikelihood likelihood, double[] scales, int pixelCount)
    {
        double constant = likelihood is VaeLikelihood.Gaussian or VaeLikelihood.Laplace ? Normalizer(likelihood, scales, pixelCount) : 0;
        return new ReconstructionFloor(likelihood, scales, constant, pixelCount);
    }

    /// <summary>
    /// The constant part of a Gaussian or Laplace error over <paramref name="pixelCount"/> pixels, split evenly
    /// over the channels of <paramref name="scales"/>: Σ_c (D/C)·(log σ_c + ½·log 2π), or Σ_c (D/C)·log(2b_c).
    /// </summary>
    public static double Normalizer(VaeLikelihood likelihood, IReadOnlyList<double> scales, long pixelCount)
    {
        double perChannel = (double)pixelCount / scales.Count;
        return likelihood switch
        {
            VaeLikelihood.Gaussian => scales.Sum(s => GaussianNormalizer(s, 1)) * perChannel,
            VaeLikelihood.Laplace => scales.Sum(b => Math.Log(2 * b)) * perChannel,
            _ => throw new ArgumentException($"{likelihood} has no constant normalizer.", nameof(likelihood)),
        };
    }

    /// <summary>The Gaussian error's constant part for <paramref name="pixelCount"/> pixels: D·(log σ + ½·log 2π).</summary>
    public static double GaussianNormalizer(double sigma, long pixelCount) =>
        pixelCount * (Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI));

    /// <summary>The discretized logistic's floor of one pixel strictly inside (0, 1) at scale <paramref name="s"/>: −log tanh(Δ/(4s)).</summary>
    public static double LogisticInteriorFloor(double s) => -Math.Log(Math.Tanh(LogisticBinWidth / (4 * s)));
}
