using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Training;

[Collection(TrainingCollection.Name)]
public class VaeEvaluatorTests
{
    [Fact]
    public void KlAndActiveUnitsMatchAnIndependentComputationFromTheEncoderOutputs()
    {
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options(epochs: 1));
        trainer.Train(TinyTraining.Train);
        var set = TinyTraining.Validation;
        var result = VaeEvaluator.Evaluate(trainer.Network, trainer.Loss, set, batchSize: 100); // 3 uneven batches

        // Independent: encode everything at once, then KL and Var(μ) in doubles in C#.
        float[] mu, logVar;
        using (no_grad())
        using (var images = tensor(set.CopyPixels(0, set.Count), new long[] { set.Count, 1, 28, 28 }))
        {
            var (m, lv) = trainer.Network.Encode(images);
            using (m) using (lv) { mu = m.data<float>().ToArray(); logVar = lv.data<float>().ToArray(); }
        }
        int n = set.Count, k = 4;
        double kl = 0;
        var klPerDim = new double[k];
        for (int i = 0; i < n; i++)
            for (int d = 0; d < k; d++)
            {
                double m = mu[i * k + d], lv = logVar[i * k + d];
                double term = 0.5 * (m * m + Math.Exp(lv) - 1 - lv);
                kl += term;
                klPerDim[d] += term / n;
            }
        var variance = Enumerable.Range(0, k).Select(d =>
        {
            double mean = Enumerable.Range(0, n).Average(i => (double)mu[i * k + d]);
            return Enumerable.Range(0, n).Average(i => Math.Pow(mu[i * k + d] - mean, 2));
        }).ToArray();

        Assert.Equal(n, result.Count);
        Assert.Equal(kl / n, result.Kl, 1e-4);
        for (int d = 0; d < k; d++)
        {
            Assert.Equal(klPerDim[d], result.KlPerDimension[d], 1e-4);
            Assert.Equal(variance[d], result.MuVariance[d], 1e-5);
        }
        Assert.Equal(variance.Count(v => v > 0.01), result.ActiveUnits);
        Assert.Equal(result.Reconstruction + result.Kl, result.Total, 12);
        Assert.InRange(result.Reconstruction, 50, 800); // 784 pixels of BCE after one epoch

        // Same seed → same one-sample estimate.
        Assert.Equal(result.Reconstruction, VaeEvaluator.Evaluate(trainer.Network, trainer.Loss, set, batchSize: 100).Reconstruction);
    }

    [Fact]
    public void GaussianReconstructionMatchesAnIndependentComputationWithTheSameNoise()
    {
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options() with { Likelihood = VaeLikelihood.Gaussian, GaussianSigma = 0.5 });
        var set = TinyTraining.Validation.Take(50);
        var result = VaeEvaluator.Evaluate(trainer.Network, trainer.Loss, set, batchSize: 50, seed: 9);

        // Same noise stream as the evaluator (one batch), then Σ ½((x − x̂)/σ)² + log σ + ½ log 2π in doubles.
        double expected = 0;
        float[] pixels = set.CopyPixels(0, set.Count);
        using (no_grad())
        using (var scope = NewDisposeScope())
        using (var generator = new Generator(SeedMixer.Mix(9, 0, SeedMixer.Stream.Evaluation), CPU))
        {
            var images = tensor(pixels, new long[] { 50, 1, 28, 28 });
            var (mu, logVar) = trainer.Network.Encode(images);
            var epsilon = randn(mu.shape, generator: generator);
            float[] mean = trainer.Network.Decode(mu + (0.5 * logVar).exp() * epsilon).data<float>().ToArray();
            for (int i = 0; i < mean.Length; i++)
                expected += 0.5 * Math.Pow((pixels[i] - mean[i]) / 0.5, 2) + Math.Log(0.5) + 0.5 * Math.Log(2 * Math.PI);
        }
        Assert.Equal(expected / 50, result.Reconstruction, 1e-3);
    }

    [Fact]
    public void WrongShapeAndEmptySetsAreRejected()
    {
        using var trainer = new VaeTrainer(TinyTraining.Architecture, TinyTraining.Options());
        var rgb = new ImageSet(new float[3 * 28 * 28], Array.Empty<int>(), 1, 3, 28, 28, "rgb");
        var e = Assert.Throws<ArgumentException>(() => trainer.Evaluate(rgb));
        Assert.Contains("3x28x28", e.Message);
        var empty = new ImageSet(Array.Empty<float>(), Array.Empty<int>(), 0, 1, 28, 28, "empty");
        Assert.Throws<ArgumentException>(() => trainer.Evaluate(empty));
    }
}
