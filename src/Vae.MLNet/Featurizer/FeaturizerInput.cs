using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Vae.MLNet;

/// <summary>The kinds of input column the featurizer accepts.</summary>
internal enum FeaturizerInputKind
{
    /// <summary>Vector&lt;Single, C·H·W&gt;.</summary>
    KnownSizeVector,
    /// <summary>Vector&lt;Single&gt;, length checked per row.</summary>
    VariableSizeVector,
    /// <summary>MLImage, converted and scaled by ML.NET's image transforms.</summary>
    Image,
}

/// <summary>Checks the input column's type against the model and classifies it.</summary>
internal static class FeaturizerInput
{
    public static string Expected(VaeModel model) =>
        $"an Image column or a vector of {model.PixelCount} Single pixels ({model.Channels}x{model.Height}x{model.Width}, values in [0, 1])";

    public static FeaturizerInputKind Classify(DataViewSchema schema, string columnName, VaeModel model, VaeImageResizing resizing)
    {
        var column = schema.GetColumnOrNull(columnName)
            ?? throw new ArgumentException(
                $"Input column '{columnName}' not found; expected {Expected(model)}. Columns present: [{string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}].",
                "inputSchema");
        switch (column.Type)
        {
            case ImageDataViewType image:
                if (resizing == VaeImageResizing.None && image.Height > 0 && image.Width > 0
                    && (image.Height != model.Height || image.Width != model.Width))
                    throw new ArgumentException(
                        $"Input column '{columnName}' holds {image.Width}x{image.Height} images, but the model expects {model.Width}x{model.Height} (W×H); " +
                        "set VaeFeaturizerOptions.Resizing to resize.", "inputSchema");
                return FeaturizerInputKind.Image;
            case VectorDataViewType vector when vector.ItemType == NumberDataViewType.Single:
                if (vector.Size == 0)
                    return FeaturizerInputKind.VariableSizeVector;
                if (vector.Size != model.PixelCount)
                    throw new ArgumentException(
                        $"Input column '{columnName}' has type {vector} ({vector.Size} values), but the model expects {model.PixelCount} pixels " +
                        $"({model.Channels}x{model.Height}x{model.Width}).", "inputSchema");
                return FeaturizerInputKind.KnownSizeVector;
            default:
                throw new ArgumentException($"Input column '{columnName}' has type {column.Type}; expected {Expected(model)}.", "inputSchema");
        }
    }

    /// <summary>Same check against a <see cref="SchemaShape"/> (vector sizes are not known there; they are checked at Fit).</summary>
    public static void Check(SchemaShape shape, string columnName, VaeModel model)
    {
        var found = shape.Where(c => c.Name == columnName).ToList();
        if (found.Count == 0)
            throw new ArgumentException(
                $"Input column '{columnName}' not found; expected {Expected(model)}. Columns present: [{string.Join(", ", shape.Select(c => c.Name))}].",
                "inputSchema");
        var column = found[^1];
        bool image = column.Kind == SchemaShape.Column.VectorKind.Scalar && column.ItemType is ImageDataViewType;
        bool floatVector = column.Kind != SchemaShape.Column.VectorKind.Scalar && column.ItemType == NumberDataViewType.Single;
        string actual = column.Kind == SchemaShape.Column.VectorKind.Scalar ? $"{column.ItemType}" : $"Vector<{column.ItemType}>";
        if (!image && !floatVector)
            throw new ArgumentException($"Input column '{columnName}' has type {actual}; expected {Expected(model)}.", "inputSchema");
    }

    /// <summary>
    /// ML.NET's own image transforms that turn the image column into a C·H·W float vector scaled by 1/255,
    /// exactly as the saved model does: resize (to the model size; a no-op at that size), grayscale
    /// when C = 1, planar (CHW) pixel extraction.
    /// </summary>
    public static IEstimator<ITransformer> ImagePreprocessing(MLContext ml, string imageColumn, string pixelColumn, VaeModel model,
        VaeImageResizing resizing) => ImagePreprocessing(ml, imageColumn, pixelColumn, model, resizing, out _);

    /// <summary>As above; <paramref name="temporaryColumns"/> are the intermediate image columns the chain adds.</summary>
    public static IEstimator<ITransformer> ImagePreprocessing(MLContext ml, string imageColumn, string pixelColumn, VaeModel model,
        VaeImageResizing resizing, out string[] temporaryColumns)
    {
        if (model.Channels is not (1 or 3))
            throw new ArgumentException($"Image input needs a model with 1 or 3 channels, but '{model.Source}' takes {model.Channels}.", nameof(model));
        string resized = pixelColumn + ".resized";
        var kind = resizing switch
        {
            VaeImageResizing.IsoPad => ImageResizingEstimator.ResizingKind.IsoPad,
            VaeImageResizing.IsoCrop => ImageResizingEstimator.ResizingKind.IsoCrop,
            _ => ImageResizingEstimator.ResizingKind.Fill,
        };
        IEstimator<ITransformer> chain = ml.Transforms.ResizeImages(resized, model.Width, model.Height, imageColumn, kind);
        string colored = resized;
        var colors = ImagePixelExtractingEstimator.ColorBits.Rgb;
        if (model.Channels == 1)
        {
            colored = pixelColumn + ".gray";
            chain = chain.Append(ml.Transforms.ConvertToGrayscale(colored, resized));
            colors = ImagePixelExtractingEstimator.ColorBits.Red; // after grayscale R = G = B
        }
        temporaryColumns = colored == resized ? [resized] : [resized, colored];
        return chain.Append(ml.Transforms.ExtractPixels(pixelColumn, colored, colors, ImagePixelExtractingEstimator.ColorsOrder.ARGB,
            interleavePixelColors: false, scaleImage: 1f / 255f, offsetImage: 0f, outputAsFloatArray: true));
    }
}
