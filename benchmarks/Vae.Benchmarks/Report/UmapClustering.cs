using Vae.MLNet;
using Microsoft.ML;
using Vae.Benchmarks.Shared;
using Vae.Cli.Demo;

namespace Vae.Benchmarks.Report;

/// <summary>
/// KMeans on UMAP embeddings of a feature column (the N2D recipe), once per UMAP seed and, on each embedding, once
/// per KMeans seed. The embedding is a random draw like a KMeans start, so each NMI reported (arithmetic mean, and
/// ML.NET's class-entropy one; <see cref="DownstreamTasks.NmiNormalisation"/>) is the mean over all fits.
/// </summary>
/// <param name="Runs">One <see cref="UmapKMeans"/> per UMAP seed, in seed order.</param>
internal sealed record UmapClustering(IReadOnlyList<UmapKMeans> Runs)
{
    /// <summary>N2D's settings: <paramref name="neighbors"/> neighbours, minimum distance 0, one dimension per cluster.</summary>
    public static UmapClustering Fit(IDataView train, IDataView test, string featureColumn, IReadOnlyList<int> umapSeeds, IReadOnlyList<int> kmeansSeeds,
        int neighbors, int clusters = 10)
    {
        return new(UmapKMeans.FitEach(train, test, featureColumn, LabeledImageRow.LabelColumn, kmeansSeeds, clusters,
            UmapOptions.ForClustering(clusters, neighbors), umapSeeds));
    }

    private IEnumerable<double> AllNmi => Runs.SelectMany(r => r.KMeans.NmiPerSeed);
    private IEnumerable<double> AllClassEntropyNmi => Runs.SelectMany(r => r.KMeans.ClassEntropyNmiPerSeed);

    /// <summary>For the progress log.</summary>
    public string Describe() =>
        $"UMAP + KMeans NMI (arithmetic mean) {AllNmi.Average():F4} (mean of {Runs.Count} UMAP × {Runs[0].KMeans.Seeds.Count} KMeans seeds, {AllNmi.Min():F4}–{AllNmi.Max():F4}; " +
        $"per UMAP seed {string.Join(", ", Runs.Select(r => r.KMeans.Nmi.ToString("F4")))}; neighbour search {Runs[0].NeighborSearchSeconds:F0} s once, graph and layout {Runs.Average(r => r.UmapSeconds - r.NeighborSearchSeconds):F0} s per seed), " +
        $"NMI (class entropy, ML.NET) {AllClassEntropyNmi.Average():F4}";

    /// <summary>The report's JSON fields, prefixed with <paramref name="prefix"/>.</summary>
    public IEnumerable<KeyValuePair<string, object?>> JsonFields(string prefix)
    {
        var settings = Runs[0].Settings;
        yield return new(prefix + "umap", new
        {
            neighbors = settings.Neighbors,
            components = settings.Components,
            min_distance = settings.MinDistance,
            seeds = Runs.Select(r => r.Settings.Seed).ToArray(),
            embedded = "train and test rows together, without labels; KMeans fit on the train rows, NMI on the test rows",
            neighbor_search_seconds = Math.Round(Runs[0].NeighborSearchSeconds, 1), // one search, shared by the seeds
            graph_and_layout_seconds_each = Math.Round(Runs.Average(r => r.UmapSeconds - r.NeighborSearchSeconds), 1),
        });
        yield return new(prefix + "umap_kmeans_nmi", Math.Round(AllNmi.Average(), 4));
        yield return new(prefix + "umap_kmeans_nmi_min", Math.Round(AllNmi.Min(), 4));
        yield return new(prefix + "umap_kmeans_nmi_max", Math.Round(AllNmi.Max(), 4));
        yield return new(prefix + "umap_kmeans_nmi_per_umap_seed", Runs.Select(r => Math.Round(r.KMeans.Nmi, 4)).ToArray());
        yield return new(prefix + "umap_kmeans_nmi_class_entropy", Math.Round(AllClassEntropyNmi.Average(), 4));
        yield return new(prefix + "umap_kmeans_nmi_class_entropy_per_umap_seed", Runs.Select(r => Math.Round(r.KMeans.ClassEntropyNmi, 4)).ToArray());
    }
}
