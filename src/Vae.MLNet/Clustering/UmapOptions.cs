namespace Vae.MLNet;

/// <summary>
/// Settings of <see cref="Umap"/>. The defaults are umap-learn's (McInnes et al., 2018); for clustering, N2D
/// (McConville et al., 2020) uses 20 neighbours, minimum distance 0 and as many components as clusters.
/// </summary>
public sealed record UmapOptions
{
    /// <summary>Neighbours per point in the fuzzy graph, counting the point itself (umap-learn's n_neighbors).</summary>
    public int Neighbors { get; init; } = 15;
    /// <summary>Dimensions of the embedding.</summary>
    public int Components { get; init; } = 2;
    /// <summary>How close embedded points may sit (0 packs clusters tightly, which is what clustering wants).</summary>
    public double MinDistance { get; init; } = 0.1;
    /// <summary>Scale of the embedded distances; with <see cref="MinDistance"/> it sets the curve 1 / (1 + a d^2b).</summary>
    public double Spread { get; init; } = 1.0;
    /// <summary>Optimisation epochs; null = umap-learn's choice, 200 above 10,000 points and 500 otherwise.</summary>
    public int? Epochs { get; init; }
    /// <summary>Repulsive samples per attractive one.</summary>
    public int NegativeSampleRate { get; init; } = 5;
    /// <summary>Initial step size, decayed linearly to 0.</summary>
    public double LearningRate { get; init; } = 1.0;
    /// <summary>
    /// Seed of the initial layout and the negative samples: the same seed and points give the same embedding on a machine
    /// (machines with other SIMD widths round the neighbour search differently, which can swap near-tied neighbours).
    /// </summary>
    public int Seed { get; init; }

    /// <summary>
    /// N2D's settings for KMeans into <paramref name="clusters"/> groups afterwards: <paramref name="neighbors"/>
    /// neighbours, minimum distance 0 (tight clusters), one dimension per cluster; the rest as umap-learn.
    /// </summary>
    public static UmapOptions ForClustering(int clusters, int neighbors = 20) =>
        new() { Neighbors = neighbors, Components = clusters, MinDistance = 0 };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible setting.</summary>
    public UmapOptions Validated()
    {
        if (Neighbors < 2) throw new ArgumentException($"UMAP Neighbors must be ≥ 2 (the point itself and one more), got {Neighbors}.");
        if (Components < 1) throw new ArgumentException($"UMAP Components must be ≥ 1, got {Components}.");
        if (!(MinDistance >= 0)) throw new ArgumentException($"UMAP MinDistance must be ≥ 0, got {MinDistance}.");
        if (!(Spread > 0)) throw new ArgumentException($"UMAP Spread must be > 0, got {Spread}.");
        if (MinDistance > Spread) throw new ArgumentException($"UMAP MinDistance ({MinDistance}) must not exceed Spread ({Spread}).");
        if (Epochs is < 1) throw new ArgumentException($"UMAP Epochs must be ≥ 1, got {Epochs}.");
        if (NegativeSampleRate < 0) throw new ArgumentException($"UMAP NegativeSampleRate must be ≥ 0, got {NegativeSampleRate}.");
        if (!(LearningRate > 0)) throw new ArgumentException($"UMAP LearningRate must be > 0, got {LearningRate}.");
        return this;
    }

    /// <summary>Epochs for <paramref name="points"/> points: <see cref="Epochs"/> or umap-learn's default.</summary>
    public int EpochsFor(int points) => Epochs ?? (points > 10_000 ? 200 : 500);
}
