using TorchSharp;
using Vae.MLNet;
using Vae.Training.Models;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Model;

/// <summary>
/// The mixture prior's KL against numbers written out with Math.Log/Math.Exp, against the standard KL when
/// its components are N(0, I), and against a Monte-Carlo estimate of the true KL(q(z|x) ‖ p(z)) it bounds.
/// </summary>
public class MixturePriorTests
{
    // K = 2 components over k = 2 dimensions, one image.
    private static readonly double[] Weights = { 0.3, 0.7 };
    private static readonly double[,] Means = { { -1.0, 0.5 }, { 2.0, -0.25 } };
    private static readonly double[,] Variances = { { 1.0, 0.5 }, { 4.0, 2.0 } };
    private static readonly double[] Mu = { 0.5, 0.1 };
    private static readonly double[] Variance = { 0.25, 0.6 };

    private static MixturePrior HandPrior()
    {
        var prior = new MixturePrior(2, 2);
        using var scope = NewDisposeScope();
        prior.SetComponents(tensor(Weights.Select(w => (float)w).ToArray()),
            tensor(Flat(Means), [2, 2]), tensor(Flat(Variances), [2, 2]));
        return prior;
    }

    private static float[] Flat(double[,] values) => values.Cast<double>().Select(v => (float)v).ToArray();

    private static double HandComponentKl(int c) => Enumerable.Range(0, 2).Sum(j =>
        0.5 * (Math.Log(Variances[c, j]) - Math.Log(Variance[j]) + (Variance[j] + Math.Pow(Mu[j] - Means[c, j], 2)) / Variances[c, j] - 1));

    private static (Tensor Mu, Tensor LogVar) Code() =>
        (tensor(Mu.Select(v => (float)v).ToArray(), [1, 2]), tensor(Variance.Select(v => (float)Math.Log(v)).ToArray(), [1, 2]));

    [Fact]
    public void KlResponsibilitiesAndSplitMatchHandComputation()
    {
        using var prior = HandPrior();
        using var scope = NewDisposeScope();
        var (mu, logVar) = Code();
        var (kl, perDimension, responsibilities) = prior.Kl(mu, logVar);

        double[] componentKl = { HandComponentKl(0), HandComponentKl(1) };
        double[] joint = { Weights[0] * Math.Exp(-componentKl[0]), Weights[1] * Math.Exp(-componentKl[1]) };
        double expectedKl = -Math.Log(joint.Sum());
        double[] gamma = joint.Select(j => j / joint.Sum()).ToArray();

        Assert.Equal(expectedKl, kl.item<float>(), 1e-5);
        Assert.Equal(gamma, responsibilities.to(ScalarType.Float64).data<double>().ToArray(), new Tolerance(1e-5));
        // Σ_j of the split is Σ_c γ_c KL_c; the rest of the KL is the categorical KL(γ ‖ π).
        double weighted = gamma[0] * componentKl[0] + gamma[1] * componentKl[1];
        double categorical = gamma[0] * Math.Log(gamma[0] / Weights[0]) + gamma[1] * Math.Log(gamma[1] / Weights[1]);
        Assert.Equal(weighted, perDimension.sum().item<float>(), 1e-5);
        Assert.Equal(expectedKl, weighted + categorical, 1e-9);
    }

    [Fact]
    public void IdenticalStandardNormalComponentsGiveTheStandardKl()
    {
        using var prior = new MixturePrior(5, 3);
        using var scope = NewDisposeScope();
        var generator = new Generator(3, CPU);
        var mu = randn([8, 3], generator: generator);
        var logVar = randn([8, 3], generator: generator) * 0.5;
        var (kl, perDimension, responsibilities) = prior.Kl(mu, logVar);
        var standard = VaeLoss.KlPerDimension(mu, logVar);

        Assert.Equal(Values(standard.sum(1)), Values(kl), new Tolerance(1e-5));
        Assert.Equal(Values(standard), Values(perDimension), new Tolerance(1e-5));
        Assert.All(Values(responsibilities), g => Assert.Equal(0.2, g, 1e-6));
    }

    [Fact]
    public void KlBoundsAMonteCarloEstimateOfTheTrueKlAndIsBoundedByTheBestComponent()
    {
        using var prior = HandPrior();
        using var scope = NewDisposeScope();
        var (mu, logVar) = Code();
        double bound = prior.Kl(mu, logVar).Kl.item<float>();

        // E_q[log q(z) − log p(z)] with p the mixture density, from 200,000 draws of z ~ q, in double.
        var random = new Random(5);
        double sum = 0;
        const int Draws = 200_000;
        for (int s = 0; s < Draws; s++)
        {
            double logQ = 0, logComponents0 = Math.Log(Weights[0]), logComponents1 = Math.Log(Weights[1]);
            for (int j = 0; j < 2; j++)
            {
                double z = Mu[j] + Math.Sqrt(Variance[j]) * Normal(random);
                logQ += LogNormal(z, Mu[j], Variance[j]);
                logComponents0 += LogNormal(z, Means[0, j], Variances[0, j]);
                logComponents1 += LogNormal(z, Means[1, j], Variances[1, j]);
            }
            double max = Math.Max(logComponents0, logComponents1);
            sum += logQ - (max + Math.Log(Math.Exp(logComponents0 - max) + Math.Exp(logComponents1 - max)));
        }
        double trueKl = sum / Draws;

        Assert.True(bound >= trueKl - 0.01, $"the closed form {bound} must bound the Monte-Carlo KL {trueKl} from above");
        Assert.True(bound - trueKl < 0.5, $"the bound {bound} is loose by more than 0.5 nats against {trueKl}");
        double bestSingle = Math.Min(HandComponentKl(0) - Math.Log(Weights[0]), HandComponentKl(1) - Math.Log(Weights[1]));
        Assert.True(bound <= bestSingle + 1e-5, $"{bound} must not exceed the best single component's {bestSingle}");
    }

    [Fact]
    public void GradientsReachEveryPriorParameter()
    {
        using var prior = HandPrior();
        using var scope = NewDisposeScope();
        var (mu, logVar) = Code();
        prior.Kl(mu, logVar).Kl.sum().backward();
        foreach (var parameter in new[] { prior.Logits, prior.Means, prior.LogVars })
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void LossWithMixturePriorUsesItsKlAndRefusesFreeBits()
    {
        using var prior = HandPrior();
        using var loss = new VaeLoss(VaeLikelihood.Bernoulli, beta: 2.0, prior: prior);
        using var scope = NewDisposeScope();
        var (mu, logVar) = Code();
        var images = tensor(new float[] { 0.2f, 0.9f }, [1, 1, 1, 2]);
        var decoded = tensor(new float[] { 0.5f, -1.0f }, [1, 1, 1, 2]);
        var terms = loss.Compute(images, decoded, mu, logVar);
        double kl = prior.Kl(mu, logVar).Kl.item<float>();
        Assert.Equal(kl, terms.Kl.item<float>(), 1e-6);
        Assert.Equal(terms.Reconstruction.item<float>() + 2.0 * kl, terms.Objective.item<float>(), 1e-4);

        var e = Assert.Throws<ArgumentException>(() => new VaeLoss(VaeLikelihood.Bernoulli, freeBits: 0.5, prior: prior));
        Assert.Contains("mixture prior", e.Message);
    }

    [Fact]
    public void KMeansInitialisationFindsSeparatedClustersWithTheirShareAndSpread()
    {
        using var prior = new MixturePrior(3, 2);
        using var scope = NewDisposeScope();
        double[][] centres = { new[] { -5.0, 0.0 }, new[] { 5.0, 5.0 }, new[] { 0.0, 10.0 } };
        int[] sizes = { 300, 200, 100 };
        var random = new Random(9);
        var points = new List<float>();
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < sizes[c]; i++)
                points.AddRange(centres[c].Select(m => (float)(m + 0.5 * Normal(random))));
        var mu = tensor(points.ToArray(), [600, 2]);
        var logVar = full([600, 2], (float)Math.Log(0.1));

        PriorInitializer.Initialise(prior, mu, logVar, new Generator(1, CPU));

        var means = prior.Means.detach().data<float>().ToArray();
        var weights = nn.functional.softmax(prior.Logits.detach(), 0).data<float>().ToArray();
        var variances = prior.LogVars.detach().exp().data<float>().ToArray();
        for (int c = 0; c < 3; c++)
        {
            int found = Enumerable.Range(0, 3).MinBy(f => Math.Pow(means[2 * f] - centres[c][0], 2) + Math.Pow(means[2 * f + 1] - centres[c][1], 2));
            Assert.Equal(centres[c][0], means[2 * found], 0.15);
            Assert.Equal(centres[c][1], means[2 * found + 1], 0.15);
            Assert.Equal(sizes[c] / 600.0, weights[found], 1e-5);
            // Spread of μ (0.25) plus the members' posterior variance (0.1).
            Assert.Equal(0.35, variances[2 * found], 0.08);
            Assert.Equal(0.35, variances[2 * found + 1], 0.08);
        }
    }

    [Fact]
    public void InitialisationNeedsAtLeastOneCodePerComponent()
    {
        using var prior = new MixturePrior(4, 2);
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => PriorInitializer.Initialise(prior, zeros(3, 2), zeros(3, 2), new Generator(1, CPU)));
        Assert.Contains("4-component", e.Message);
    }

    private static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).flatten().data<double>().ToArray();

    private static double LogNormal(double z, double mean, double variance) =>
        -0.5 * (Math.Log(2 * Math.PI * variance) + (z - mean) * (z - mean) / variance);

    private static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
