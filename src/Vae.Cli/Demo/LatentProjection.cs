using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Cli.Demo;

/// <summary>
/// The latent scatter's 2-D view: rows (e.g. the latent means μ) projected onto their first two principal
/// components by ML.NET's <c>ProjectToPrincipalComponents</c>, and each component's share of the rows'
/// total variance for the axis labels.
/// </summary>
/// <param name="X">Coordinates along the first component (centred).</param>
/// <param name="Y">Coordinates along the second component (centred).</param>
/// <param name="VarianceShare">Variance along each component over the total variance (the covariance's trace), largest first.</param>
internal sealed record LatentProjection(double[] X, double[] Y, double[] VarianceShare)
{
    private const string Input = "Values", Output = "Components";

    /// <summary>
    /// Fits the components of <paramref name="rows"/> (n ≥ 2 rows of d ≥ 2 values) and projects the rows.
    /// ML.NET's PCA is randomized, but with rank 2 and its default oversampling of 20 it spans all of a latent
    /// space of up to 22 dimensions, so the components are exact up to float rounding; the seed fixes their signs.
    /// </summary>
    public static LatentProjection Fit(IReadOnlyList<float[]> rows, int seed)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count < 2)
            throw new ArgumentException($"PCA needs at least 2 rows, got {rows.Count}.", nameof(rows));
        int d = rows[0].Length;
        if (d < 2)
            throw new ArgumentException($"A 2-D projection needs at least 2 dimensions, got {d}.", nameof(rows));
        if (rows.FirstOrDefault(r => r.Length != d) is { } ragged)
            throw new ArgumentException($"PCA rows must all have {d} values; found one with {ragged.Length}.", nameof(rows));

        // Centred here, not by ML.NET: its PCA (5.0.1) sums the mean in both of its passes over the data without
        // resetting it in between (PcaTransformer.Train calls Project twice), so the second pass centres at
        // (1 + 1/n)·mean and the components are off by O(1/n); rows with mean zero are unaffected.
        var mean = Enumerable.Range(0, d).Select(j => rows.Average(r => (double)r[j])).ToArray();
        var centred = rows.Select(r => r.Select((v, j) => (float)(v - mean[j])).ToArray()).ToArray();

        // A context of its own: fitting draws from its context's random source, and the demo's must not move.
        var ml = new MLContext(seed);
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Values)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, d);
        var view = ml.Data.LoadFromEnumerable(centred.Select(r => new Row { Values = r }), schema);
        var pca = ml.Transforms.ProjectToPrincipalComponents(Output, Input, rank: 2, ensureZeroMean: false, seed: seed).Fit(view);
        var points = pca.Transform(view).GetColumn<float[]>(Output).ToArray();

        // A unit component's variance is the variance of the coordinates along it; the total is the sum of
        // the per-dimension variances (the trace, which is also the sum of all components' variances).
        double total = Enumerable.Range(0, d).Sum(j => Variance(centred.Select(r => (double)r[j])));
        var x = points.Select(p => (double)p[0]).ToArray();
        var y = points.Select(p => (double)p[1]).ToArray();
        return new LatentProjection(x, y, [Variance(x) / total, Variance(y) / total]);
    }

    private static double Variance(IEnumerable<double> values)
    {
        var list = values.ToList();
        double mean = list.Average();
        return list.Sum(v => (v - mean) * (v - mean)) / list.Count;
    }

    private sealed class Row
    {
        public float[] Values { get; set; } = [];
    }
}
