using TorchSharp;
using Vae.MLNet;
using Vae.Training;
using Vae.Training.Export;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

/// <summary>
/// The colour likelihoods in TorchSharp (<see cref="VaeLoss"/>) on two images of 2 channels × 2 pixels
/// ([N=2, C=2, H=1, W=2]) with a scale per channel, against the formulas by hand in double — the logistic from
/// its definition F(x + Δ/2) − F(x − Δ/2) with the tails at 0 and 1 — and the gradient of each learned
/// log-scale against a central difference of the hand formula.
/// </summary>
public class LikelihoodLossTests
{
    private const double Delta = 1.0 / 255;
    // Image 0 holds a black pixel, a white one and two gray levels of the 8-bit grid; image 1 only gray levels.
    private static readonly float[] X = [0f, (float)(102 / 255.0), 1f, (float)(204 / 255.0), (float)(51 / 255.0), (float)(153 / 255.0), (float)(17 / 255.0), (float)(250 / 255.0)];
    private static readonly float[] Decoded = [0.1f, 0.35f, 0.9f, 0.82f, 0.3f, 0.6f, -0.2f, 1.3f];
    private static readonly double[] Scales = [0.05, 0.2];

    private static Tensor Images() => tensor(X, [2, 2, 1, 2]);
    private static Tensor DecodedTensor() => tensor(Decoded, [2, 2, 1, 2]);
    private static Tensor MuTensor() => tensor(new float[] { 0.3f, -1.2f }, [2, 1]);
    private static Tensor LogVarTensor() => tensor(new float[] { -0.4f, 0.7f }, [2, 1]);

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double HandTerm(VaeLikelihood likelihood, double x, double y, double s) => likelihood switch
    {
        VaeLikelihood.Gaussian => 0.5 * Math.Pow((x - y) / s, 2) + Math.Log(s) + 0.5 * Math.Log(2 * Math.PI),
        VaeLikelihood.Laplace => Math.Abs(x - y) / s + Math.Log(2 * s),
        _ => -Math.Log(
            x == 0 ? Sigmoid((x - y + Delta / 2) / s)
            : x == 1 ? 1 - Sigmoid((x - y - Delta / 2) / s)
            : Sigmoid((x - y + Delta / 2) / s) - Sigmoid((x - y - Delta / 2) / s)),
    };

    private static double HandImage(VaeLikelihood likelihood, int n, double[] scales) =>
        Enumerable.Range(4 * n, 4).Sum(i => HandTerm(likelihood, X[i], Decoded[i], scales[i / 2 % 2]));

    private static VaeLoss PerChannelLoss(VaeLikelihood likelihood)
    {
        var loss = new VaeLoss(likelihood, channels: 2, learnGaussianSigmaPerChannel: likelihood == VaeLikelihood.Gaussian);
        using var noGrad = no_grad();
        using var values = tensor(Scales.Select(s => (float)Math.Log(s)).ToArray());
        loss.LogScale!.copy_(values);
        return loss;
    }

    public static TheoryData<VaeLikelihood> ScaledLikelihoods() => new() { VaeLikelihood.Gaussian, VaeLikelihood.Laplace, VaeLikelihood.DiscretizedLogistic };

    [Theory]
    [MemberData(nameof(ScaledLikelihoods))]
    public void Reconstruction_with_a_learned_scale_per_channel_matches_the_formula_and_its_gradient_by_hand(VaeLikelihood likelihood)
    {
        using var loss = PerChannelLoss(likelihood);
        using var scope = NewDisposeScope();
        Assert.Single(loss.Parameters());
        Assert.Null(loss.LogSigma);
        Assert.Equal(Scales, loss.Scales, new Tolerance(1e-6));
        var terms = loss.Compute(Images(), DecodedTensor(), MuTensor(), LogVarTensor());
        double[] reconstruction = terms.Reconstruction.to(ScalarType.Float64).data<double>().ToArray();
        for (int n = 0; n < 2; n++)
            Assert.True(Math.Abs(HandImage(likelihood, n, Scales) - reconstruction[n]) <= 2e-5 * Math.Max(1, Math.Abs(reconstruction[n])),
                $"{likelihood} image {n}: by hand {HandImage(likelihood, n, Scales)}, TorchSharp {reconstruction[n]}");

        terms.Objective.backward();
        float[] gradient = loss.LogScale!.grad!.data<float>().ToArray();
        for (int c = 0; c < 2; c++)
        {
            // d objective / d log s_c by a central difference of the hand formula (the objective averages over the images).
            const double h = 1e-5;
            double[] up = (double[])Scales.Clone(), down = (double[])Scales.Clone();
            up[c] *= Math.Exp(h);
            down[c] *= Math.Exp(-h);
            double expected = Enumerable.Range(0, 2).Sum(n => HandImage(likelihood, n, up) - HandImage(likelihood, n, down)) / (2 * h) / 2;
            Assert.True(Math.Abs(expected - gradient[c]) <= 1e-3 * Math.Max(1, Math.Abs(expected)), $"{likelihood} channel {c}: gradient by hand {expected}, TorchSharp {gradient[c]}");
        }
    }

    [Theory]
    [MemberData(nameof(ScaledLikelihoods))]
    public void The_export_formula_with_fixed_scales_is_the_training_formula(VaeLikelihood likelihood)
    {
        using var loss = PerChannelLoss(likelihood);
        using var scope = NewDisposeScope();
        var training = loss.Reconstruction(DecodedTensor(), Images()).data<float>().ToArray();
        var export = VaeReconstructionError.PerImage(DecodedTensor(), Images(), likelihood, scales: loss.Scales).data<float>().ToArray();
        Assert.Equal(training.Select(v => (double)v), export.Select(v => (double)v), new Tolerance(1e-4));
    }

    [Fact]
    public void Logistic_stays_finite_where_the_naive_difference_of_sigmoids_underflows_in_float()
    {
        // s = 0.005 and locations 1 away: σ(±200) is 0 or 1 in float32; the hand value in double stays exact.
        using var loss = new VaeLoss(VaeLikelihood.DiscretizedLogistic, channels: 2, likelihoodScale: 0.005);
        using var scope = NewDisposeScope();
        float[] x = [0f, 0.4f, 1f, 0.6f], mu = [1f, -0.6f, 0f, 1.6f];
        var error = loss.Reconstruction(tensor(mu, [1, 2, 1, 2]), tensor(x, [1, 2, 1, 2])).item<float>();
        double a(int i) => (x[i] - mu[i] + Delta / 2) / 0.005;
        double c(int i) => (x[i] - mu[i] - Delta / 2) / 0.005;
        static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
        double binConstant = -Math.Log(1 - Math.Exp(-Delta / 0.005));
        double expected = Softplus(-a(0)) + Softplus(-a(1)) + Softplus(c(1)) + binConstant + Softplus(c(2)) + Softplus(-a(3)) + Softplus(c(3)) + binConstant;
        Assert.True(float.IsFinite(error));
        Assert.Equal(expected, error, expected * 1e-5);
    }

    [Fact]
    public void The_scales_start_where_asked_and_settings_that_do_not_fit_are_refused()
    {
        using (var gaussian = new VaeLoss(VaeLikelihood.Gaussian, gaussianSigma: 0.3, channels: 3, learnGaussianSigmaPerChannel: true))
        {
            Assert.Equal([0.3, 0.3, 0.3], gaussian.Scales, new Tolerance(1e-6));
            Assert.True(double.IsNaN(gaussian.GaussianSigma), "one σ per channel is not a single σ");
        }
        using (var logistic = new VaeLoss(VaeLikelihood.DiscretizedLogistic, channels: 3, likelihoodScale: 0.02))
            Assert.Equal([0.02, 0.02, 0.02], logistic.Scales, new Tolerance(1e-6));
        using (var fixedSigma = new VaeLoss(VaeLikelihood.Gaussian, gaussianSigma: 0.2, channels: 3))
        {
            Assert.Equal([0.2], fixedSigma.Scales, new Tolerance(1e-12));
            Assert.Empty(fixedSigma.Parameters());
        }
        using (var bernoulli = new VaeLoss(VaeLikelihood.Bernoulli, channels: 3))
            Assert.Empty(bernoulli.Scales);

        Assert.Throws<ArgumentException>(() => new VaeLoss(VaeLikelihood.Laplace, learnGaussianSigmaPerChannel: true));
        Assert.Throws<ArgumentException>(() => new VaeLoss(VaeLikelihood.Gaussian, learnGaussianSigma: true, learnGaussianSigmaPerChannel: true));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Laplace, likelihoodScale: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Laplace, likelihoodScale: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new VaeLoss(VaeLikelihood.Laplace, channels: 0));
        using var scope = NewDisposeScope();
        // A scale per channel of other images: the channel count is checked.
        using var three = new VaeLoss(VaeLikelihood.Laplace, channels: 3);
        var e = Assert.Throws<ArgumentException>(() => three.Reconstruction(DecodedTensor(), Images()));
        Assert.Contains("2 channel", e.Message);
    }

    [Fact]
    public void The_export_refuses_scales_that_do_not_fit_the_likelihood()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.Laplace));
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.Laplace, scales: [0.1]));
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.Laplace, gaussianSigma: 0.1));
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.DiscretizedLogistic, scales: [0.1, -0.1]));
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.Gaussian, gaussianSigma: 0.1, scales: [0.1, 0.1]));
        Assert.Throws<ArgumentException>(() => VaeReconstructionError.PerImage(DecodedTensor(), Images(), VaeLikelihood.Bernoulli, scales: [0.1, 0.1]));
    }
}
