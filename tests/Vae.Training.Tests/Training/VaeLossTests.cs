using TorchSharp;
using Vae.MLNet;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

/// <summary>
/// Two images of 2 pixels ([N=2, C=1, H=1, W=2]) and a 1-dimensional latent; every expected number is
/// written out from the formulas with Math.Log / Math.Exp.
/// </summary>
public class VaeLossTests
{
    private static readonly double[,] X = { { 0.2, 0.9 }, { 1.0, 0.0 } };
    private static readonly double[,] Out = { { 0.5, -1.0 }, { -2.0, 1.5 } };   // logits or Gaussian means
    private static readonly double[] Mu = { 0.3, -1.2 };
    private static readonly double[] LogVar = { -0.4, 0.7 };

    private static Tensor Images() => tensor(new float[] { 0.2f, 0.9f, 1.0f, 0.0f }, new long[] { 2, 1, 1, 2 });
    private static Tensor Decoded() => tensor(new float[] { 0.5f, -1.0f, -2.0f, 1.5f }, new long[] { 2, 1, 1, 2 });
    private static Tensor MuTensor() => tensor(new float[] { 0.3f, -1.2f }, new long[] { 2, 1 });
    private static Tensor LogVarTensor() => tensor(new float[] { -0.4f, 0.7f }, new long[] { 2, 1 });

    private static double HandBce(int n) =>
        Enumerable.Range(0, 2).Sum(j => Math.Log(1 + Math.Exp(Out[n, j])) - X[n, j] * Out[n, j]);

    private static double HandGaussian(int n, double sigma) =>
        Enumerable.Range(0, 2).Sum(j => 0.5 * Math.Pow((X[n, j] - Out[n, j]) / sigma, 2) + Math.Log(sigma) + 0.5 * Math.Log(2 * Math.PI));

    private static double HandKl(int n) => 0.5 * (Mu[n] * Mu[n] + Math.Exp(LogVar[n]) - 1 - LogVar[n]);

    private static double[] Values(Tensor t) => t.to(ScalarType.Float64).data<double>().ToArray();

    [Fact]
    public void BernoulliTermsAndBetaWeightedObjectiveMatchHandComputation()
    {
        using var loss = new VaeLoss(VaeLikelihood.Bernoulli, beta: 2.5);
        using var scope = NewDisposeScope();
        var terms = loss.Compute(Images(), Decoded(), MuTensor(), LogVarTensor(), warmup: 0.4);

        double recon0 = HandBce(0), recon1 = HandBce(1);
        Assert.Equal(new[] { recon0, recon1 }, Values(terms.Reconstruction), new Tolerance(1e-5));
        Assert.Equal(new[] { HandKl(0), HandKl(1) }, Values(terms.Kl), new Tolerance(1e-5));
        Assert.Equal(new[] { HandKl(0), HandKl(1) }, Values(terms.KlPerDimension.flatten()), new Tolerance(1e-5));
        double expected = (recon0 + recon1) / 2 + 2.5 * 0.4 * (HandKl(0) + HandKl(1)) / 2;
        Assert.Equal(expected, terms.Objective.item<float>(), 1e-5);
    }

    [Fact]
    public void FixedSigmaGaussianMatchesHandComputation()
    {
        using var loss = new VaeLoss(VaeLikelihood.Gaussian, gaussianSigma: 0.5);
        using var scope = NewDisposeScope();
        var terms = loss.Compute(Images(), Decoded(), MuTensor(), LogVarTensor());

        Assert.Equal(new[] { HandGaussian(0, 0.5), HandGaussian(1, 0.5) }, Values(terms.Reconstruction), new Tolerance(1e-4));
        double expected = (HandGaussian(0, 0.5) + HandGaussian(1, 0.5)) / 2 + (HandKl(0) + HandKl(1)) / 2;
        Assert.Equal(expected, terms.Objective.item<float>(), 1e-4);
        Assert.Null(loss.LogSigma);
        Assert.Equal(0.5, loss.GaussianSigma, 1e-12);
    }

    [Fact]
    public void LearnedSigmaGaussianMatchesHandComputationAndItsGradient()
    {
        const double sigma = 0.8;
        using var loss = new VaeLoss(VaeLikelihood.Gaussian, gaussianSigma: sigma, learnGaussianSigma: true);
        Assert.NotNull(loss.LogSigma);
        using var scope = NewDisposeScope();
        var terms = loss.Compute(Images(), Decoded(), MuTensor(), LogVarTensor());
        Assert.Equal(new[] { HandGaussian(0, sigma), HandGaussian(1, sigma) }, Values(terms.Reconstruction), new Tolerance(1e-4));

        terms.Objective.backward();
        // d/d(log σ) of ½((x−x̂)/σ)² + log σ is −((x−x̂)/σ)² + 1; the objective averages over the 2 images.
        double gradient = Enumerable.Range(0, 2).Sum(n => Enumerable.Range(0, 2).Sum(j => 1 - Math.Pow((X[n, j] - Out[n, j]) / sigma, 2))) / 2;
        Assert.Equal(gradient, loss.LogSigma!.grad!.item<float>(), 1e-4);
        Assert.Single(loss.Parameters());
    }

    [Fact]
    public void FreeBitsFloorTheBatchMeanKlOfEachDimension()
    {
        double meanKl = (HandKl(0) + HandKl(1)) / 2; // ≈ 0.4785
        using var scope = NewDisposeScope();
        double bce = (HandBce(0) + HandBce(1)) / 2;

        using (var binding = new VaeLoss(VaeLikelihood.Bernoulli, beta: 3.0, freeBits: 0.6))
            Assert.Equal(bce + 3.0 * Math.Max(0.6, meanKl), binding.Compute(Images(), Decoded(), MuTensor(), LogVarTensor()).Objective.item<float>(), 1e-5);
        using (var loose = new VaeLoss(VaeLikelihood.Bernoulli, beta: 3.0, freeBits: 0.3))
            Assert.Equal(bce + 3.0 * Math.Max(0.3, meanKl), loose.Compute(Images(), Decoded(), MuTensor(), LogVarTensor()).Objective.item<float>(), 1e-5);
        Assert.True(meanKl is > 0.3 and < 0.6, "the two λ must sit on either side of the mean KL for this test to mean anything");
    }

    [Fact]
    public void FreeBitsApplyPerDimensionThenSum()
    {
        // Two latent dimensions: dimension 0 as above (mean KL ≈ 0.48), dimension 1 nearly the prior (KL ≈ 0).
        using var scope = NewDisposeScope();
        var mu = tensor(new float[] { 0.3f, 0.01f, -1.2f, -0.01f }, new long[] { 2, 2 });
        var logVar = tensor(new float[] { -0.4f, 0f, 0.7f, 0f }, new long[] { 2, 2 });
        double dim0 = (HandKl(0) + HandKl(1)) / 2;
        double dim1 = 0.5 * (0.01 * 0.01 + 1 - 1 - 0 + 0.01 * 0.01 + 1 - 1 - 0) / 2;
        using var loss = new VaeLoss(VaeLikelihood.Bernoulli, freeBits: 0.25);
        var terms = loss.Compute(Images(), Decoded(), mu, logVar);
        double expected = (HandBce(0) + HandBce(1)) / 2 + Math.Max(0.25, dim0) + Math.Max(0.25, dim1);
        Assert.Equal(expected, terms.Objective.item<float>(), 1e-5);
        // The logged KL is the true KL, not the floored one.
        Assert.Equal(dim0 + dim1, Values(terms.Kl).Average(), 1e-5);
    }

    [Fact]
    public void ReparameterisationUsesTheGivenGenerator()
    {
        using var scope = NewDisposeScope();
        using var g1 = new Generator(42, CPU);
        using var g2 = new Generator(42, CPU);
        var z = VaeLoss.Reparameterize(MuTensor(), LogVarTensor(), g1);
        double[] epsilon = Values(randn(new long[] { 2, 1 }, generator: g2));
        double[] expected = { Mu[0] + Math.Exp(0.5 * LogVar[0]) * epsilon[0], Mu[1] + Math.Exp(0.5 * LogVar[1]) * epsilon[1] };
        Assert.Equal(expected, Values(z), new Tolerance(1e-6));
    }

    [Fact]
    public void InvalidSettingsAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Bernoulli, beta: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Bernoulli, freeBits: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Gaussian, gaussianSigma: 0));
        Assert.Throws<ArgumentException>(() => new VaeLoss(VaeLikelihood.Bernoulli, learnGaussianSigma: true));
        using var loss = new VaeLoss(VaeLikelihood.Bernoulli);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => loss.Reconstruction(zeros(2, 1, 1, 3), zeros(2, 1, 1, 2)));
        Assert.Contains("[2, 1, 1, 3]", e.Message);
    }
}
