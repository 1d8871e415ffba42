using TorchSharp;
using Vae.Training.Data;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Measures a trained VAE on an <see cref="ImageSet"/>: test −ELBO split into reconstruction and KL, the
/// KL per latent dimension and the active units. One z per image is drawn from a generator seeded with
/// <c>seed</c>, so the same call gives the same numbers.
/// </summary>
public static class VaeEvaluator
{
    /// <summary>Variance of E_q[z_i] over the data above which dimension i counts as active (Burda et al. 2016).</summary>
    public const double ActiveUnitThreshold = 0.01;

    /// <summary>Evaluates <paramref name="network"/> with <paramref name="loss"/> (its likelihood and σ) on <paramref name="images"/>.</summary>
    public static EvaluationResult Evaluate(VaeNetwork network, VaeLoss loss, ImageSet images, int batchSize = 1000, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(images);
        ImageSetChecks.RequireMatches(images, network.Architecture, nameof(images));
        if (images.Count == 0)
            throw new ArgumentException($"{images.Source}: no images to evaluate.", nameof(images));
        if (batchSize <= 0)
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "Batch size must be positive.");

        int k = network.Architecture.LatentDim;
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var generator = new Generator(SeedMixer.Mix(seed, 0, SeedMixer.Stream.Evaluation), CPU);
            using var loader = new BatchLoader(images, batchSize, prefetch: true);
            using var klPerDimSum = zeros(k, ScalarType.Float64);
            using var muSum = zeros(k, ScalarType.Float64);
            using var muSquareSum = zeros(k, ScalarType.Float64);
            double reconstructionSum = 0, klSum = 0;
            int[] order = Enumerable.Range(0, images.Count).ToArray();
            for (int b = 0; b < loader.BatchCount; b++)
            {
                using var scope = NewDisposeScope();
                var batch = loader.Batch(order, b);
                var (mu, logVar) = network.Encode(batch);
                var z = VaeLoss.Reparameterize(mu, logVar, generator);
                var terms = loss.Compute(batch, network.Decode(z), mu, logVar);
                reconstructionSum += terms.Reconstruction.sum().to(ScalarType.Float64).item<double>();
                klSum += terms.Kl.sum().to(ScalarType.Float64).item<double>();
                klPerDimSum.add_(terms.KlPerDimension.to(ScalarType.Float64).sum([0L]));
                var mu64 = mu.to(ScalarType.Float64);
                muSum.add_(mu64.sum([0L]));
                muSquareSum.add_(mu64.square().sum([0L]));
            }
            int n = images.Count;
            double[] klPerDimension = ToArray(klPerDimSum).Select(s => s / n).ToArray();
            double[] mean = ToArray(muSum).Select(s => s / n).ToArray();
            double[] variance = ToArray(muSquareSum).Select((s, i) => Math.Max(0, s / n - mean[i] * mean[i])).ToArray();
            return new EvaluationResult(n, reconstructionSum / n, klSum / n, klPerDimension, variance, variance.Count(v => v > ActiveUnitThreshold));
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    /// <summary>μ and log σ² [N, k] of every image, in order, without gradients (eval mode for the call).</summary>
    internal static (Tensor Mu, Tensor LogVar) EncodeAll(VaeNetwork network, ImageSet images, int batchSize)
    {
        bool wasTraining = network.training;
        network.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = NewDisposeScope();
            using var loader = new BatchLoader(images, batchSize, prefetch: true);
            int[] order = Enumerable.Range(0, images.Count).ToArray();
            var mus = new List<Tensor>();
            var logVars = new List<Tensor>();
            for (int b = 0; b < loader.BatchCount; b++)
            {
                var (mu, logVar) = network.Encode(loader.Batch(order, b));
                mus.Add(mu);
                logVars.Add(logVar);
            }
            return scope.MoveToOuter(torch.cat(mus, 0), torch.cat(logVars, 0));
        }
        finally
        {
            network.train(wasTraining);
        }
    }

    internal static double[] ToArray(Tensor vector) => vector.data<double>().ToArray();
}
