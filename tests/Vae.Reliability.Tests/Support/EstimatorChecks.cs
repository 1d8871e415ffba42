using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Reliability.Tests.Support;

/// <summary>
/// What the generic checks need to know about an estimator: how to make it (optionally with a seed, for
/// estimators with a sampled column), two different data views, and the columns it adds.
/// </summary>
public sealed record EstimatorUnderTest(
    string Name,
    Func<IEstimator<ITransformer>> Create,
    IDataView FitData,
    IDataView OtherData,
    string[] AddedColumns,
    int BatchSize,
    Func<int, IEstimator<ITransformer>>? CreateWithSeed = null,
    string? SampledColumn = null,
    bool UnmovedCursorReadsNothing = true,
    IReadOnlyDictionary<string, string>? KnownSavedTypeChanges = null);

/// <summary>
/// Estimator checks in the spirit of scikit-learn's <c>check_estimator</c> and ML.NET's
/// <c>TestEstimatorCore</c>: schema propagation, fit on one view and transform another, laziness,
/// repeatable cursors, save/load round trip and seeded determinism. Each check asserts; the returned
/// lines describe what was measured.
/// </summary>
public static class EstimatorChecks
{
    public static IReadOnlyList<string> RunAll(MLContext ml, EstimatorUnderTest subject)
    {
        var report = new List<string>();
        report.Add(SchemaPropagation(subject));
        report.Add(FitOnOneTransformAnother(subject));
        report.Add(TransformIsLazy(subject));
        report.Add(TransformIsRepeatable(subject));
        report.Add(SaveLoadRoundTrip(ml, subject));
        if (subject.CreateWithSeed != null) report.Add(SeededDeterminism(subject));
        return report;
    }

    /// <summary>GetOutputSchema(SchemaShape) and GetOutputSchema(DataViewSchema) both predict the columns Transform produces.</summary>
    public static string SchemaPropagation(EstimatorUnderTest s)
    {
        var estimator = s.Create();
        var shape = estimator.GetOutputSchema(ShapeOf(s.FitData.Schema));
        var transformer = estimator.Fit(s.FitData);
        var predicted = transformer.GetOutputSchema(s.OtherData.Schema);
        var actual = transformer.Transform(s.OtherData).Schema;

        var actualVisible = actual.Where(c => !c.IsHidden).ToList();
        Assert.Equal(actualVisible.Select(c => c.Name).Order(), shape.Select(c => c.Name).Order());
        Assert.Equal(actualVisible.Select(c => c.Name).Order(), predicted.Where(c => !c.IsHidden).Select(c => c.Name).Order());
        foreach (var name in s.AddedColumns)
            Assert.True(actual.GetColumnOrNull(name) != null, $"{s.Name}: column {name} missing from the output");

        foreach (var column in actualVisible)
        {
            var fromTransformer = predicted[column.Name];
            Assert.True(column.Type.Equals(fromTransformer.Type),
                $"{s.Name}: column {column.Name} is {column.Type} but GetOutputSchema said {fromTransformer.Type}");
            var fromShape = shape.Single(c => c.Name == column.Name);
            var (kind, item) = column.Type switch
            {
                VectorDataViewType { Size: > 0 } v => (SchemaShape.Column.VectorKind.Vector, v.ItemType),
                VectorDataViewType v => (SchemaShape.Column.VectorKind.VariableVector, v.ItemType),
                var t => (SchemaShape.Column.VectorKind.Scalar, t),
            };
            Assert.True(kind == fromShape.Kind, $"{s.Name}: column {column.Name} is {kind} but the estimator's SchemaShape says {fromShape.Kind}");
            Assert.True(item.Equals(fromShape.ItemType), $"{s.Name}: column {column.Name} holds {item} but the SchemaShape says {fromShape.ItemType}");
        }
        (transformer as IDisposable)?.Dispose();
        string vectors = string.Join(", ", s.AddedColumns.Select(n => $"{n}: {actual[n].Type}"));
        return $"schema: {actualVisible.Count} columns agree between SchemaShape, GetOutputSchema and Transform ({vectors})";
    }

    /// <summary>Fit on one view, Transform another: every row comes out, inputs pass through unchanged, features are finite.</summary>
    public static string FitOnOneTransformAnother(EstimatorUnderTest s)
    {
        using var transformer = Disposable(s.Create().Fit(s.FitData));
        var output = ColumnValues.ReadAll(transformer.Value.Transform(s.OtherData));
        var input = ColumnValues.ReadAll(s.OtherData);
        long rows = s.OtherData.GetRowCount() ?? throw new InvalidOperationException("test data must know its row count");
        foreach (var (name, values) in input)
            Assert.True(values.SequenceEqual(output[name]), $"{s.Name}: input column {name} changed on its way through");
        foreach (var name in s.AddedColumns)
        {
            var values = output[name];
            Assert.True(values.Count % rows == 0 && values.Count > 0, $"{s.Name}: column {name} has {values.Count} values for {rows} rows");
            Assert.All(values, v => Assert.True(double.IsFinite(v), $"{s.Name}: column {name} holds {v}"));
        }
        return $"fit on {s.FitData.GetRowCount()} rows, transformed {rows} others: all finite, inputs unchanged";
    }

    /// <summary>Transform reads nothing; a cursor reads nothing until it moves, then at most one batch.</summary>
    public static string TransformIsLazy(EstimatorUnderTest s)
    {
        using var transformer = Disposable(s.Create().Fit(s.FitData));
        var counting = new CountingDataView(s.OtherData);
        var output = transformer.Value.Transform(counting);
        _ = output.Schema;
        _ = transformer.Value.GetOutputSchema(counting.Schema);
        Assert.Equal(0, counting.RowsRead);
        Assert.Equal(0, counting.CursorsOpened);
        using (var cursor = output.GetRowCursor(output.Schema))
        {
            long beforeMove = counting.RowsRead;
            if (s.UnmovedCursorReadsNothing)
                Assert.True(beforeMove == 0, $"{s.Name}: {beforeMove} rows read before the cursor moved");
            Assert.True(cursor.MoveNext());
            long afterOne = counting.RowsRead;
            if (s.UnmovedCursorReadsNothing)
                Assert.InRange(afterOne, 1, s.BatchSize);
            return $"lazy: 0 rows read by Transform/GetOutputSchema; an unmoved cursor read {beforeMove}, 1 MoveNext read {afterOne} " +
                $"(batch {s.BatchSize}, {s.OtherData.GetRowCount()} rows{(s.UnmovedCursorReadsNothing ? "" : "; read-ahead not asserted: ML.NET's parallel cursor set prefetches")})";
        }
    }

    /// <summary>Two cursors over the same transformed view give identical values, bit for bit.</summary>
    public static string TransformIsRepeatable(EstimatorUnderTest s)
    {
        using var transformer = Disposable(s.Create().Fit(s.FitData));
        var view = transformer.Value.Transform(s.OtherData);
        var first = ColumnValues.ReadAll(view);
        var second = ColumnValues.ReadAll(view);
        ColumnValues.AssertIdentical(first, second, $"{s.Name}: second cursor");
        return $"repeatable: two cursors identical over {first.Values.Sum(v => v.Count)} values";
    }

    /// <summary>mlContext.Model.Save/Load through a temp .zip gives the same outputs and column types.</summary>
    public static string SaveLoadRoundTrip(MLContext ml, EstimatorUnderTest s)
    {
        string path = Path.Combine(Path.GetTempPath(), $"reliab-{Guid.NewGuid():N}.zip");
        try
        {
            using var transformer = Disposable(s.Create().Fit(s.FitData));
            var expectedView = transformer.Value.Transform(s.OtherData);
            var compared = s.AddedColumns.Where(c => c != s.SampledColumn).ToArray();
            var expected = ColumnValues.ReadAll(expectedView, compared);
            ml.Model.Save(transformer.Value, s.FitData.Schema, path);

            var loaded = new MLContext().Model.Load(path, out var inputSchema);
            Assert.Equal(s.FitData.Schema.Select(c => (c.Name, c.Type)), inputSchema.Select(c => (c.Name, c.Type)));
            var actualView = loaded.Transform(s.OtherData);
            var typeChanges = new List<string>();
            foreach (var name in compared)
            {
                var (before, after) = (expectedView.Schema[name].Type, actualView.Schema[name].Type);
                if (before.Equals(after)) continue;
                string change = $"{before} -> {after}";
                Assert.True(s.KnownSavedTypeChanges?.GetValueOrDefault(name) == change,
                    $"{s.Name}: saved column {name} is {after}, in memory {before}");
                typeChanges.Add($"{name}: {change}");
            }
            var actual = ColumnValues.ReadAll(actualView, compared);
            double worst = ColumnValues.MaxRelativeDifference(expected, actual, $"{s.Name} after load");
            Assert.True(worst <= 1e-5, $"{s.Name}: loaded model differs by {worst:E2} (relative)");
            (loaded as IDisposable)?.Dispose();
            return $"save/load: {new FileInfo(path).Length / 1024} KB zip, columns [{string.Join(", ", compared)}] equal, max relative difference {worst:E1}" +
                (typeChanges.Count > 0 ? $"; KNOWN type changes after load: {string.Join("; ", typeChanges)}" : "; all column types kept");
        }
        finally { File.Delete(path); }
    }

    /// <summary>The sampled column is a function of the seed: same seed, same values; another seed, other values.</summary>
    public static string SeededDeterminism(EstimatorUnderTest s)
    {
        Dictionary<string, List<double>> Sample(int seed)
        {
            using var transformer = Disposable(s.CreateWithSeed!(seed).Fit(s.FitData));
            return ColumnValues.ReadAll(transformer.Value.Transform(s.OtherData), [s.SampledColumn!]);
        }
        var a = Sample(7);
        var b = Sample(7);
        var c = Sample(8);
        ColumnValues.AssertIdentical(a, b, $"{s.Name}: same seed");
        int differing = a[s.SampledColumn!].Zip(c[s.SampledColumn!]).Count(p => p.First != p.Second);
        Assert.True(differing > a[s.SampledColumn!].Count / 2, $"{s.Name}: seeds 7 and 8 give {differing} differing values of {a[s.SampledColumn!].Count}");
        return $"seeded: {s.SampledColumn} identical for seed 7 twice, {differing}/{a[s.SampledColumn!].Count} values differ for seed 8";
    }

    /// <summary>SchemaShape.Create(DataViewSchema) is internal to ML.NET (its own TestEstimatorCore uses it); call it by reflection.</summary>
    public static SchemaShape ShapeOf(DataViewSchema schema) =>
        (SchemaShape)(typeof(SchemaShape).GetMethod("Create", BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic, [typeof(DataViewSchema)])
            ?? throw new InvalidOperationException("ML.NET no longer has SchemaShape.Create(DataViewSchema)")).Invoke(null, [schema])!;

    private static DisposableTransformer Disposable(ITransformer transformer) => new(transformer);

    /// <summary>Disposes the transformer (and its ONNX Runtime sessions) after a check.</summary>
    private readonly struct DisposableTransformer(ITransformer value) : IDisposable
    {
        public ITransformer Value { get; } = value;
        public void Dispose() => (Value as IDisposable)?.Dispose();
    }
}
