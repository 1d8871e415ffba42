using System.Diagnostics;

namespace Vae.MLNet;

/// <summary>
/// Uniform Manifold Approximation and Projection (McInnes, Healy and Melville, 2018): a low-dimensional embedding
/// that keeps each point's nearest neighbours near. Here it serves clustering: KMeans on UMAP of a VAE's μ
/// follows the manifold of the codes instead of straight-line distance, the N2D recipe (McConville et al., 2020).
/// It embeds a fixed set of points (there is no transform of new points), like clustering itself.
/// </summary>
public static class Umap
{
    /// <summary>
    /// Embeds <paramref name="points"/> (equal-length, finite vectors; <paramref name="what"/> names them in errors)
    /// into <see cref="UmapOptions.Components"/> dimensions: exact k-nearest-neighbour graph, fuzzy union,
    /// random start, then the sampled attract/repel optimisation. Deterministic for a given seed.
    /// </summary>
    public static UmapEmbedding Embed(IReadOnlyList<float[]> points, UmapOptions options, string what = "UMAP input", IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Embed(points, options, [options.Seed], what, progress)[0];
    }

    /// <summary>
    /// One embedding per seed in <paramref name="seeds"/> (<see cref="UmapOptions.Seed"/> is not used), sharing the
    /// neighbour search and the graph, which do not depend on the seed: on 784 raw pixels the search is most of the cost.
    /// </summary>
    public static IReadOnlyList<UmapEmbedding> Embed(IReadOnlyList<float[]> points, UmapOptions options, IReadOnlyList<int> seeds, string what = "UMAP input",
        IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(seeds);
        options.Validated();
        if (seeds.Count == 0) throw new ArgumentException($"{what}: UMAP needs at least one seed.", nameof(seeds));
        var matrix = PointMatrix.From(points, what);
        if (matrix.Count < options.Neighbors)
            throw new ArgumentException($"{what}: UMAP with {options.Neighbors} neighbours per point needs at least {options.Neighbors} points; got {matrix.Count}.");
        var clock = Stopwatch.StartNew();
        var (indices, distances) = ExactNearestNeighbors.Find(matrix, options.Neighbors);
        double neighborSeconds = clock.Elapsed.TotalSeconds;

        int epochs = options.EpochsFor(matrix.Count);
        var graph = FuzzySimplicialSet.Build(indices, distances, options.Neighbors, epochs);
        var (a, b) = UmapCurve.Fit(options.Spread, options.MinDistance);
        double graphSeconds = clock.Elapsed.TotalSeconds;

        var results = new List<UmapEmbedding>();
        foreach (int seed in seeds)
        {
            var layoutClock = Stopwatch.StartNew();
            var random = new Random(seed);
            var embedding = UmapLayout.RandomStart(matrix.Count, options.Components, random);
            UmapLayout.Optimize(embedding, options.Components, graph, a, b, options, epochs, random, progress);
            var rows = new float[matrix.Count][];
            for (int i = 0; i < rows.Length; i++) rows[i] = embedding.AsSpan(i * options.Components, options.Components).ToArray();
            results.Add(new UmapEmbedding(rows, seed, graph.Weight.Length, neighborSeconds, graphSeconds + layoutClock.Elapsed.TotalSeconds));
        }
        return results;
    }
}

/// <summary>A UMAP result: one row per input point, in input order.</summary>
/// <param name="Points">The embedded points.</param>
/// <param name="Seed">The seed of the initial layout and the negative samples.</param>
/// <param name="Edges">Directed edges of the fuzzy graph that the optimisation sampled.</param>
/// <param name="NeighborSeconds">Seconds of the nearest-neighbour search.</param>
/// <param name="TotalSeconds">Seconds of this embedding: the search, the graph and its own layout.</param>
public sealed record UmapEmbedding(IReadOnlyList<float[]> Points, int Seed, int Edges, double NeighborSeconds, double TotalSeconds);
