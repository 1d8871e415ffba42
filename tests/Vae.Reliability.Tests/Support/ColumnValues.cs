using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Reliability.Tests.Support;

/// <summary>Reads every visible column of a data view into doubles (row-major per column), type-agnostically.</summary>
public static class ColumnValues
{
    /// <summary>Column name → the values of every row, concatenated (vectors densified).</summary>
    public static Dictionary<string, List<double>> ReadAll(IDataView view, IEnumerable<string>? only = null)
    {
        var columns = view.Schema.Where(c => !c.IsHidden && (only == null || only.Contains(c.Name))).ToList();
        var result = columns.ToDictionary(c => c.Name, _ => new List<double>());
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c, result[c.Name])).ToList();
        while (cursor.MoveNext())
            foreach (var read in readers) read();
        return result;
    }

    private static Action Reader(DataViewRow row, DataViewSchema.Column column, List<double> sink)
    {
        var type = column.Type;
        if (type is VectorDataViewType vector)
        {
            if (vector.ItemType == NumberDataViewType.Single) return VectorReader<float>(row, column, sink, v => v);
            if (vector.ItemType == NumberDataViewType.Double) return VectorReader<double>(row, column, sink, v => v);
            throw new NotSupportedException($"column {column.Name}: {type}");
        }
        if (type == NumberDataViewType.Single) return ScalarReader<float>(row, column, sink, v => v);
        if (type == NumberDataViewType.Double) return ScalarReader<double>(row, column, sink, v => v);
        if (type == BooleanDataViewType.Instance) return ScalarReader<bool>(row, column, sink, v => v ? 1 : 0);
        if (type == NumberDataViewType.UInt32) return ScalarReader<uint>(row, column, sink, v => v);
        if (type == NumberDataViewType.Int32) return ScalarReader<int>(row, column, sink, v => v);
        if (type == TextDataViewType.Instance) return ScalarReader<ReadOnlyMemory<char>>(row, column, sink, v => string.GetHashCode(v.Span, StringComparison.Ordinal));
        throw new NotSupportedException($"column {column.Name}: {type}");
    }

    private static Action ScalarReader<T>(DataViewRow row, DataViewSchema.Column column, List<double> sink, Func<T, double> convert)
    {
        var getter = row.GetGetter<T>(column);
        T value = default!;
        return () => { getter(ref value); sink.Add(convert(value)); };
    }

    private static Action VectorReader<T>(DataViewRow row, DataViewSchema.Column column, List<double> sink, Func<T, double> convert)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        VBuffer<T> value = default;
        return () =>
        {
            getter(ref value);
            foreach (var item in value.DenseValues()) sink.Add(convert(item));
        };
    }

    /// <summary>Asserts two readings are equal bit for bit (NaN equals NaN).</summary>
    public static void AssertIdentical(Dictionary<string, List<double>> expected, Dictionary<string, List<double>> actual, string what)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, values) in expected)
        {
            var other = actual[name];
            Assert.True(values.Count == other.Count, $"{what}: column {name} has {other.Count} values, expected {values.Count}");
            for (int i = 0; i < values.Count; i++)
                if (BitConverter.DoubleToInt64Bits(values[i]) != BitConverter.DoubleToInt64Bits(other[i]))
                    Assert.Fail($"{what}: column {name}[{i}] is {other[i]:R}, expected {values[i]:R}");
        }
    }

    /// <summary>Largest |a − b| / max(1, |a|) over the shared columns.</summary>
    public static double MaxRelativeDifference(Dictionary<string, List<double>> expected, Dictionary<string, List<double>> actual, string what)
    {
        double worst = 0;
        foreach (var (name, values) in expected)
        {
            Assert.True(actual.ContainsKey(name), $"{what}: column {name} missing");
            var other = actual[name];
            Assert.Equal(values.Count, other.Count);
            for (int i = 0; i < values.Count; i++)
            {
                if (values[i].Equals(other[i])) continue;
                worst = Math.Max(worst, Math.Abs(values[i] - other[i]) / Math.Max(1, Math.Abs(values[i])));
            }
        }
        return worst;
    }
}
