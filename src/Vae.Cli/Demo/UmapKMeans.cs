using Vae.MLNet;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Cli.Demo;

/// <summary>
/// KMeans on a UMAP embedding of a feature column (the N2D recipe): the train and test rows are embedded together —
/// clustering is transductive, and the labels are not used — then scored like <see cref="SeededKMeans"/>: KMeans
/// fit on the train rows' embedding, NMI of the test rows' clusters, once per seed on the same embedding.
/// </summary>
/// <param name="KMeans">NMI per KMeans seed on the embedding.</param>
/// <param name="Settings">The settings of the embedding.</param>
/// <param name="UmapSeconds">Seconds to embed train and test rows, its nearest-neighbour search included.</param>
/// <param name="NeighborSearchSeconds">Seconds of that search (shared by the embeddings of <see cref="FitEach"/>).</param>
internal sealed record UmapKMeans(SeededKMeans KMeans, UmapOptions Settings, double UmapSeconds, double NeighborSearchSeconds)
{
    /// <summary>Name of the embedding column KMeans runs on.</summary>
    public const string EmbeddingColumn = "UmapEmbedding";

    /// <summary>
    /// Embeds <paramref name="featureColumn"/> (a known-size Single vector) of <paramref name="train"/> and
    /// <paramref name="test"/> with <paramref name="umap"/>, then runs <see cref="SeededKMeans.Fit"/> on the embedding.
    /// </summary>
    public static UmapKMeans Fit(IDataView train, IDataView test, string featureColumn, string labelColumn, IReadOnlyList<int> seeds, int clusters,
        UmapOptions umap, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(umap);
        return FitEach(train, test, featureColumn, labelColumn, seeds, clusters, umap, [umap.Seed], progress)[0];
    }

    /// <summary>
    /// <see cref="Fit"/> once per UMAP seed in <paramref name="umapSeeds"/>, sharing the neighbour search (which does
    /// not depend on the seed); each result's <see cref="Settings"/> carries its seed.
    /// </summary>
    public static IReadOnlyList<UmapKMeans> FitEach(IDataView train, IDataView test, string featureColumn, string labelColumn, IReadOnlyList<int> seeds,
        int clusters, UmapOptions umap, IReadOnlyList<int> umapSeeds, IProgress<double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(umap);
        var trainPoints = Read(train, featureColumn, "train");
        var testPoints = Read(test, featureColumn, "test");
        var embeddings = Umap.Embed([.. trainPoints, .. testPoints], umap, umapSeeds, $"column '{featureColumn}'", progress);
        var ml = new MLContext(0);
        return embeddings.Select(embedding =>
        {
            var trainView = View(ml, train, labelColumn, embedding.Points.Take(trainPoints.Length), umap.Components);
            var testView = View(ml, test, labelColumn, embedding.Points.Skip(trainPoints.Length), umap.Components);
            return new UmapKMeans(SeededKMeans.Fit(trainView, testView, EmbeddingColumn, labelColumn, seeds, clusters),
                umap with { Seed = embedding.Seed }, embedding.TotalSeconds, embedding.NeighborSeconds);
        }).ToArray();
    }

    private static float[][] Read(IDataView view, string column, string split)
    {
        var type = view.Schema.GetColumnOrNull(column)?.Type
            ?? throw new ArgumentException($"UMAP clustering: the {split} data has no column '{column}'.", nameof(column));
        if (type is not VectorDataViewType { ItemType: NumberDataViewType n, IsKnownSize: true } || n.RawType != typeof(float))
            throw new ArgumentException($"UMAP clustering: column '{column}' of the {split} data is {type}; expected a known-size vector of Single.", nameof(column));
        return view.GetColumn<float[]>(column).ToArray();
    }

    private sealed class Row
    {
        public int Label { get; set; }
        public float[] UmapEmbedding { get; set; } = [];
    }

    private static IDataView View(MLContext ml, IDataView source, string labelColumn, IEnumerable<float[]> points, int components)
    {
        var rows = source.GetColumn<int>(labelColumn).Zip(points, (label, point) => new Row { Label = label, UmapEmbedding = point }).ToList();
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[EmbeddingColumn].ColumnType = new VectorDataViewType(NumberDataViewType.Single, components);
        schema[nameof(Row.Label)].ColumnName = labelColumn;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
