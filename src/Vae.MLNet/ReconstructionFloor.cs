namespace Vae.MLNet;

/// <summary>
/// The reconstruction error a perfect reconstruction (x̂ = x) would have, min over x̂ of −log p(x|x̂), and
/// the reconstruction divergence error − floor. Under a Bernoulli likelihood the floor is Σ H(xᵢ), the
/// binary entropy of every gray pixel (0 for pure black or white): images with many mid-gray pixels have a
/// large BCE however well they are reconstructed, so the raw error ranks textured images as anomalous
/// (on one-class Fashion-MNIST, T-shirts scored by BCE reach AUROC 0.68; by the divergence 0.92). The
/// divergence Σ KL(Bern(xᵢ) ‖ Bern(x̂ᵢ)) is zero for a perfect reconstruction and carries no such bias.
/// Under a Gaussian likelihood the floor is the constant D·(log σ + ½ log 2π) and the divergence is
/// ½ Σ (x − x̂)²/σ². This class states the floor; the divergence itself is computed by ONNX nodes
/// (<c>Onnx/VaeFormulas.Divergence</c>) in the in-process session and the saved chain alike.
/// </summary>
internal sealed class ReconstructionFloor
{
    private ReconstructionFloor(VaeLikelihood likelihood, double constant)
    {
        Likelihood = likelihood;
        Constant = constant;
    }

    public VaeLikelihood Likelihood { get; }

    /// <summary>The Gaussian floor D·(log σ + ½ log 2π); 0 for Bernoulli.</summary>
    public double Constant { get; }

    /// <summary>The floor of a contract model; throws naming the metadata the model lacks.</summary>
    public static ReconstructionFloor For(VaeModel model) => model.Likelihood switch
    {
        VaeLikelihood.Bernoulli => new ReconstructionFloor(VaeLikelihood.Bernoulli, 0),
        VaeLikelihood.Gaussian => new ReconstructionFloor(VaeLikelihood.Gaussian, GaussianNormalizer(model.GaussianSigma(), model.PixelCount)),
        _ => throw new InvalidDataException(
            $"'{model.Source}' states no {VaeContract.Metadata.Likelihood} metadata, so its reconstruction error has no known floor; " +
            "the reconstruction divergence needs 'bernoulli' or 'gaussian'."),
    };

    /// <summary>The Gaussian error's constant part for <paramref name="pixelCount"/> pixels: D·(log σ + ½·log 2π).</summary>
    public static double GaussianNormalizer(double sigma, long pixelCount) =>
        pixelCount * (Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI));
}
