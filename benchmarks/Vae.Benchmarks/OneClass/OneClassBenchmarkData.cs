using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.Benchmarks.OneClass;

/// <summary>Images and labels of a one-class benchmark; every image has C·H·W pixels in [0, 1].</summary>
public sealed class OneClassBenchmarkData
{
    internal const string PixelColumn = "Pixels";

    /// <summary>The Single label column ML.NET's anomaly evaluator reads: 1 for an anomaly, 0 for a normal row.</summary>
    internal const string LabelColumn = "Label";

    /// <summary>Creates the data, checking that every image has <c>channels·height·width</c> pixels.</summary>
    /// <exception cref="ArgumentException">Counts of images and labels differ, or an image has the wrong size.</exception>
    public OneClassBenchmarkData(IReadOnlyList<float[]> trainImages, IReadOnlyList<int> trainLabels,
        IReadOnlyList<float[]> testImages, IReadOnlyList<int> testLabels, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(trainImages);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(testImages);
        ArgumentNullException.ThrowIfNull(testLabels);
        PixelCount = channels * height * width;
        if (PixelCount <= 0)
            throw new ArgumentException($"Image shape {channels}x{height}x{width} must be positive.", nameof(channels));
        Check(trainImages, trainLabels, "training");
        Check(testImages, testLabels, "test");
        TrainImages = trainImages;
        TrainLabels = trainLabels;
        TestImages = testImages;
        TestLabels = testLabels;
    }

    /// <summary>C·H·W.</summary>
    public int PixelCount { get; }
    /// <summary>Training images (all classes).</summary>
    public IReadOnlyList<float[]> TrainImages { get; }
    /// <summary>Their classes.</summary>
    public IReadOnlyList<int> TrainLabels { get; }
    /// <summary>Test images (all classes).</summary>
    public IReadOnlyList<float[]> TestImages { get; }
    /// <summary>Their classes.</summary>
    public IReadOnlyList<int> TestLabels { get; }

    internal List<float[]> TrainingImagesOf(int c)
    {
        var list = TrainImages.Where((_, i) => TrainLabels[i] == c).ToList();
        if (list.Count == 0)
            throw new ArgumentException($"Class {c} has no training images.", nameof(c));
        return list;
    }

    /// <summary>
    /// The images as a <see cref="PixelColumn"/> vector column and, with <paramref name="isAnomaly"/>, the
    /// <see cref="LabelColumn"/> (Single, as the evaluator wants it; 0 for every row without).
    /// </summary>
    internal IDataView ToDataView(MLContext ml, IReadOnlyList<float[]> images, IReadOnlyList<bool>? isAnomaly = null)
    {
        var schema = SchemaDefinition.Create(typeof(PixelRow));
        schema[nameof(PixelRow.Pixels)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, PixelCount);
        return ml.Data.LoadFromEnumerable(images.Select((p, i) => new PixelRow { Pixels = p, Label = isAnomaly?[i] == true ? 1 : 0 }), schema);
    }

    private void Check(IReadOnlyList<float[]> images, IReadOnlyList<int> labels, string what)
    {
        if (images.Count != labels.Count)
            throw new ArgumentException($"The {what} set has {images.Count} images but {labels.Count} labels.", nameof(labels));
        for (int i = 0; i < images.Count; i++)
            if (images[i] is null || images[i].Length != PixelCount)
                throw new ArgumentException($"{what} image {i} has {images[i]?.Length ?? 0} pixels; expected {PixelCount}.", nameof(images));
    }

    private sealed class PixelRow
    {
        public float[] Pixels { get; set; } = [];
        public float Label { get; set; }
    }
}
