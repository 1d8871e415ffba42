using TorchSharp;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Training;

/// <summary>
/// Spreads a <see cref="MixturePrior"/> over the training codes: k-means (k-means++ seeding, Lloyd
/// iterations) on μ, then each component gets its cluster's share as weight, its centroid as mean, and as
/// variance the cluster's spread of μ plus its members' mean σ² — the aggregate posterior of the cluster,
/// moment-matched. Identical components would otherwise get identical gradients and never separate.
/// </summary>
internal static class PriorInitializer
{
    private const int MaxIterations = 100;

    /// <summary>Sets the components of <paramref name="prior"/> from codes μ [N, k] and log σ² [N, k].</summary>
    internal static void Initialise(MixturePrior prior, Tensor mu, Tensor logVar, Generator generator)
    {
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        long n = mu.shape[0];
        int k = prior.Components;
        if (n < k)
            throw new ArgumentException($"A {k}-component mixture prior needs at least {k} training images to initialise from, got {n}.", nameof(mu));
        var data = mu.to(ScalarType.Float64);
        var centroids = SeedCentroids(data, k, generator);
        var assignment = Assign(data, centroids);
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            centroids = Centroids(data, assignment, centroids);
            var next = Assign(data, centroids);
            bool stable = next.eq(assignment).all().item<bool>();
            assignment = next;
            if (stable) break;
        }

        var oneHot = nn.functional.one_hot(assignment, k).to(ScalarType.Float64); // [N, K]
        var counts = oneHot.sum([0L]).clamp_min(1);                                  // [K]
        var means = oneHot.t().matmul(data) / counts.unsqueeze(1);
        var spread = oneHot.t().matmul(data.square()) / counts.unsqueeze(1) - means.square();
        var posteriorVariance = oneHot.t().matmul(logVar.to(ScalarType.Float64).exp()) / counts.unsqueeze(1);
        prior.SetComponents((counts / n).to(ScalarType.Float32), means.to(ScalarType.Float32),
            (spread.clamp_min(0) + posteriorVariance).to(ScalarType.Float32));
    }

    // k-means++: each next centroid is drawn with probability proportional to the squared distance to the nearest chosen one.
    private static Tensor SeedCentroids(Tensor data, int k, Generator generator)
    {
        long n = data.shape[0];
        var first = torch.randint(n, [1], generator: generator);
        var centroids = data.index_select(0, first);
        var nearest = SquaredDistances(data, centroids).min(1).values;
        for (int c = 1; c < k; c++)
        {
            var weights = nearest.sum().item<double>() > 0 ? nearest : torch.ones_like(nearest);
            var next = torch.multinomial(weights, 1, generator: generator);
            var chosen = data.index_select(0, next);
            centroids = torch.cat([centroids, chosen], 0);
            nearest = torch.minimum(nearest, SquaredDistances(data, chosen).squeeze(1));
        }
        return centroids;
    }

    private static Tensor Assign(Tensor data, Tensor centroids) => SquaredDistances(data, centroids).argmin(1);

    // An emptied cluster keeps its previous centroid, so K components always exist.
    private static Tensor Centroids(Tensor data, Tensor assignment, Tensor previous)
    {
        var oneHot = nn.functional.one_hot(assignment, previous.shape[0]).to(data.dtype);
        var counts = oneHot.sum([0L]);
        var sums = oneHot.t().matmul(data);
        var updated = sums / counts.clamp_min(1).unsqueeze(1);
        return torch.where(counts.gt(0).unsqueeze(1), updated, previous);
    }

    private static Tensor SquaredDistances(Tensor data, Tensor centroids) =>
        (data.square().sum(1, keepdim: true) - 2 * data.matmul(centroids.t()) + centroids.square().sum(1).unsqueeze(0)).clamp_min(0);
}
