using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Training.Data;

namespace Vae.Benchmarks.Shared;

/// <summary>One image as ML.NET sees it: a vector of 784 pixels in [0, 1], named like the ONNX input so stock ApplyOnnxModel can read it.</summary>
public sealed class ImageRow
{
    /// <summary>The ONNX input name of contract models.</summary>
    public const string Column = "image";

    [ColumnName(Column), VectorType(784)]
    public float[] Image { get; set; } = [];
}

/// <summary>The μ column both featurizers produce (ours is told to name it like the ONNX output).</summary>
public sealed class MuRow
{
    /// <summary>The ONNX output name of μ.</summary>
    public const string Column = "mu";

    [ColumnName(Column)]
    public float[] Mu { get; set; } = [];
}

/// <summary>The data every measurement uses: the embedded Fashion-MNIST test split (10,000 images).</summary>
public static class BenchData
{
    private static readonly Lazy<ImageSet> Test = new(() => FashionMnist.Load(FashionMnist.EmbeddedDirectory(), "t10k"));

    /// <summary>The embedded t10k split.</summary>
    public static ImageSet EmbeddedTest => Test.Value;

    /// <summary>Rows of <paramref name="set"/> as <see cref="ImageRow"/>s.</summary>
    public static ImageRow[] Rows(ImageSet set) =>
        Enumerable.Range(0, set.Count).Select(i => new ImageRow { Image = set.Image(i).ToArray() }).ToArray();

    /// <summary>An in-memory IDataView over <paramref name="set"/> with one 784-float vector column <see cref="ImageRow.Column"/>.</summary>
    public static IDataView View(MLContext mlContext, ImageSet set) => mlContext.Data.LoadFromEnumerable(Rows(set));

    /// <summary>Reads every row's <paramref name="column"/> (a Single vector) and returns the values row after row.</summary>
    public static float[] ReadVectorColumn(IDataView view, string column)
    {
        var values = new List<float>();
        var col = view.Schema[column];
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            foreach (float v in buffer.DenseValues()) values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>Consumes <paramref name="view"/> fully, reading <paramref name="column"/> on every row; returns the row count.</summary>
    public static long Consume(IDataView view, string column)
    {
        var col = view.Schema[column];
        using var cursor = view.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<float>>(col);
        VBuffer<float> buffer = default;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref buffer);
            rows++;
        }
        return rows;
    }
}

/// <summary>An image with its class, for the quality measurements.</summary>
public sealed class LabeledImageRow
{
    /// <summary>The label column.</summary>
    public const string LabelColumn = "Label";

    [ColumnName(LabelColumn)]
    public int Label { get; set; }

    [ColumnName(ImageRow.Column), VectorType(784)]
    public float[] Image { get; set; } = [];

    /// <summary>An in-memory IDataView over a labelled <paramref name="set"/>.</summary>
    public static IDataView View(MLContext mlContext, ImageSet set) =>
        mlContext.Data.LoadFromEnumerable(Enumerable.Range(0, set.Count)
            .Select(i => new LabeledImageRow { Label = set.Labels[i], Image = set.Image(i).ToArray() }).ToArray());
}
