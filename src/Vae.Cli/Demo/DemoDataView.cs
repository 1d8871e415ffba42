using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.Training.Data;

namespace Vae.Cli.Demo;

/// <summary>One image as an ML.NET row: its class, whether it is the anomaly class, and its pixels.</summary>
internal sealed class ImageRow
{
    public int Label { get; set; }
    /// <summary>1 for the held-out class, 0 otherwise (ML.NET's anomaly evaluator wants a Single label).</summary>
    public float IsAnomaly { get; set; }
    public float[] Pixels { get; set; } = Array.Empty<float>();
}

/// <summary>Turns an <see cref="ImageSet"/> into an <see cref="IDataView"/> with a known-size pixel vector column.</summary>
internal static class DemoDataView
{
    public const string Label = nameof(ImageRow.Label);
    public const string IsAnomaly = nameof(ImageRow.IsAnomaly);
    public const string Pixels = nameof(ImageRow.Pixels);

    public static IDataView Create(MLContext ml, ImageSet images, int anomalyClass = -1)
    {
        if (images.Labels.Length != images.Count)
            throw new ArgumentException($"{images.Source}: the demo needs a label per image (got {images.Labels.Length} labels for {images.Count} images).");
        var rows = Enumerable.Range(0, images.Count).Select(i => new ImageRow
        {
            Label = images.Labels[i],
            IsAnomaly = images.Labels[i] == anomalyClass ? 1f : 0f,
            Pixels = images.Image(i).ToArray(),
        }).ToList();
        // The vector size is only known at run time: give it through the schema, not an attribute.
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[Pixels].ColumnType = new VectorDataViewType(NumberDataViewType.Single, images.PixelsPerImage);
        return ml.Data.LoadFromEnumerable(rows, schema);
    }
}
