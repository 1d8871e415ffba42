using System.Diagnostics;

namespace Vae.MLNet.Clustering;

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
        options.Validated();
        var matrix = PointMatrix.From(points, what);
        if (matrix.Count < options.Neighbors)
            throw new ArgumentException($"{what}: UMAP with {options.Neighbors} neighbours per point needs at least {options.Neighbors} points; got {matrix.Count}.");
        var clock = Stopwatch.StartNew();
        var (indices, distances) = ExactNearestNeighbors.Find(matrix, options.Neighbors);
        double neighborSeconds = clock.Elapsed.TotalSeconds;

        int epochs = options.EpochsFor(matrix.Count);
        var graph = FuzzySimplicialSet.Build(indices, distances, options.Neighbors, epochs);
        var (a, b) = UmapCurve.Fit(options.Spread, options.MinDistance);
        var random = new Random(options.Seed);
        var embedding = UmapLayout.RandomStart(matrix.Count, options.Components, random);
        UmapLayout.Optimize(embedding, options.Components, graph, a, b, options, epochs, random, progress);

        var rows = new float[matrix.Count][];
        for (int i = 0; i < rows.Length; i++) rows[i] = embedding.AsSpan(i * options.Components, options.Components).ToArray();
        return new UmapEmbedding(rows, graph.Weight.Length, neighborSeconds, clock.Elapsed.TotalSeconds);
    }
}

/// <summary>A UMAP result: one row per input point, in input order.</summary>
/// <param name="Points">The embedded points.</param>
/// <param name="Edges">Directed edges of the fuzzy graph that the optimisation sampled.</param>
/// <param name="NeighborSeconds">Seconds of the nearest-neighbour search.</param>
/// <param name="TotalSeconds">Seconds of the whole embedding.</param>
public sealed record UmapEmbedding(IReadOnlyList<float[]> Points, int Edges, double NeighborSeconds, double TotalSeconds);
