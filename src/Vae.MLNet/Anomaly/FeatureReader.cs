using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>Reads the featurizer columns a score needs into row-major arrays, in one cursor pass.</summary>
internal static class FeatureReader
{
    public static AnomalyFeatures Read(IDataView data, AnomalyScoreFunction function, int latentDim)
    {
        var columns = new List<DataViewSchema.Column>();
        DataViewSchema.Column? errorColumn = Find(data, AnomalyColumns.Error, function.NeedsError, columns);
        DataViewSchema.Column? klColumn = Find(data, AnomalyColumns.Kl, function.NeedsKl, columns);
        DataViewSchema.Column? muColumn = Find(data, AnomalyColumns.Mu, function.NeedsMu, columns);
        DataViewSchema.Column? logVarColumn = Find(data, AnomalyColumns.LogVar, function.NeedsLogVar, columns);

        var error = new List<float>();
        var kl = new List<float>();
        var mu = new List<float>();
        var logVar = new List<float>();
        int rows = 0;
        using (var cursor = data.GetRowCursor(columns))
        {
            var errorGetter = errorColumn is { } e ? cursor.GetGetter<float>(e) : null;
            var klGetter = klColumn is { } k ? cursor.GetGetter<float>(k) : null;
            var muGetter = muColumn is { } m ? cursor.GetGetter<VBuffer<float>>(m) : null;
            var logVarGetter = logVarColumn is { } lv ? cursor.GetGetter<VBuffer<float>>(lv) : null;
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
                    AddVector(muGetter, ref vector, mu, AnomalyColumns.Mu, rows - 1, latentDim);
                if (logVarGetter != null)
                    AddVector(logVarGetter, ref vector, logVar, AnomalyColumns.LogVar, rows - 1, latentDim);
            }
        }
        return new AnomalyFeatures(rows, latentDim, [.. error], [.. kl], [.. mu], [.. logVar]);
    }

    private static void AddVector(ValueGetter<VBuffer<float>> getter, ref VBuffer<float> vector, List<float> into, string column, int row, int latentDim)
    {
        getter(ref vector);
        if (vector.Length != latentDim)
            throw new InvalidOperationException($"Column '{column}' has {vector.Length} values in row {row}; expected {latentDim}.");
        foreach (float v in vector.DenseValues())
            into.Add(v);
    }

    /// <summary>The features as an in-memory data view with the featurizer's column names and types.</summary>
    public static IDataView ToDataView(MLContext ml, AnomalyFeatures features)
    {
        int k = Math.Max(1, features.LatentDim);
        var rows = Enumerable.Range(0, features.Rows).Select(r => new FeatureRow
        {
            Error = features.Error.Length > 0 ? features.Error[r] : 0,
            Kl = features.Kl.Length > 0 ? features.Kl[r] : 0,
            Mu = features.Mu.Length > 0 ? features.Mu.AsSpan(r * k, k).ToArray() : new float[k],
            LogVar = features.LogVar.Length > 0 ? features.LogVar.AsSpan(r * k, k).ToArray() : new float[k],
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        var mu = schema[nameof(FeatureRow.Mu)];
        mu.ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        mu.ColumnName = AnomalyColumns.Mu;
        var logVar = schema[nameof(FeatureRow.LogVar)];
        logVar.ColumnType = new VectorDataViewType(NumberDataViewType.Single, k);
        logVar.ColumnName = AnomalyColumns.LogVar;
        schema[nameof(FeatureRow.Error)].ColumnName = AnomalyColumns.Error;
        schema[nameof(FeatureRow.Kl)].ColumnName = AnomalyColumns.Kl;
        return ml.Data.LoadFromEnumerable(rows, schema);
    }

    private sealed class FeatureRow
    {
        public float Error { get; set; }
        public float Kl { get; set; }
        public float[] Mu { get; set; } = [];
        public float[] LogVar { get; set; } = [];
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
