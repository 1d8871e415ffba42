using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet.Anomaly;

/// <summary>Reads the featurizer columns a score needs into row-major arrays, in one cursor pass.</summary>
internal static class FeatureReader
{
    public static AnomalyFeatures Read(IDataView data, AnomalyScoreFunction function, int latentDim)
    {
        var columns = new List<DataViewSchema.Column>();
        DataViewSchema.Column? errorColumn = Find(data, AnomalyColumns.Error, function.NeedsError, columns);
        DataViewSchema.Column? klColumn = Find(data, AnomalyColumns.Kl, function.NeedsKl, columns);
        DataViewSchema.Column? muColumn = Find(data, AnomalyColumns.Mu, function.NeedsMu, columns);

        var error = new List<float>();
        var kl = new List<float>();
        var mu = new List<float>();
        int rows = 0;
        using (var cursor = data.GetRowCursor(columns))
        {
            var errorGetter = errorColumn is { } e ? cursor.GetGetter<float>(e) : null;
            var klGetter = klColumn is { } k ? cursor.GetGetter<float>(k) : null;
            var muGetter = muColumn is { } m ? cursor.GetGetter<VBuffer<float>>(m) : null;
            float value = 0;
            VBuffer<float> vector = default;
            while (cursor.MoveNext())
            {
                rows++;
                if (errorGetter != null)
                {
                    errorGetter(ref value);
                    error.Add(value);
                }
                if (klGetter != null)
                {
                    klGetter(ref value);
                    kl.Add(value);
                }
                if (muGetter != null)
                {
                    muGetter(ref vector);
                    if (vector.Length != latentDim)
                        throw new InvalidOperationException($"Column '{AnomalyColumns.Mu}' has {vector.Length} values in row {rows - 1}; expected {latentDim}.");
                    foreach (float v in vector.DenseValues())
                        mu.Add(v);
                }
            }
        }
        return new AnomalyFeatures(rows, latentDim, [.. error], [.. kl], [.. mu]);
    }

    private static DataViewSchema.Column? Find(IDataView data, string name, bool needed, List<DataViewSchema.Column> columns)
    {
        if (!needed)
            return null;
        var column = data.Schema.GetColumnOrNull(name)
            ?? throw new InvalidOperationException($"The featurizer did not produce column '{name}'.");
        columns.Add(column);
        return column;
    }
}
