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
    /// <summary>MLImage, converted and scaled by ML.NET's image transforms (v1 models, foreign encoders).</summary>
    Image,
    /// <summary>MLImage, preprocessed by the model's recorded <see cref="VaeImagePreprocessing"/> (contract v2), exactly as in training.</summary>
    ContractImage,
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
                resizing = EffectiveResizing(model, resizing, columnName);
                if (resizing == VaeImageResizing.None && image.Height > 0 && image.Width > 0
                    && (image.Height != model.Height || image.Width != model.Width))
                    throw new ArgumentException(
                        $"Input column '{columnName}' holds {image.Width}x{image.Height} images, but the model expects {model.Width}x{model.Height} (W×H); " +
                        "set VaeFeaturizerOptions.Resizing to resize.", "inputSchema");
                return model.Description.Preprocessing != null ? FeaturizerInputKind.ContractImage : FeaturizerInputKind.Image;
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

    /// <summary>
    /// The resizing an image column gets: AsTrained becomes the model's recorded mode (contract v2) or None; on a v2
    /// model an explicit mode must be the recorded one (or None), since any other gives features the model never saw.
    /// </summary>
    public static VaeImageResizing EffectiveResizing(VaeModel model, VaeImageResizing option, string columnName)
    {
        if (!Enum.IsDefined(option))
            throw new ArgumentOutOfRangeException(nameof(option), option, "Unknown VaeImageResizing.");
        var recorded = model.Description.Preprocessing;
        if (recorded == null)
            return option == VaeImageResizing.AsTrained ? VaeImageResizing.None : option;
        var trained = recorded.Resize switch
        {
            VaeResizeMode.Pad => VaeImageResizing.IsoPad,
            VaeResizeMode.Crop => VaeImageResizing.IsoCrop,
            _ => VaeImageResizing.Fill,
        };
        if (option is VaeImageResizing.AsTrained)
            return trained;
        if (option != VaeImageResizing.None && option != trained)
            throw new ArgumentException(
                $"Input column '{columnName}': Resizing = {option}, but '{model.Source}' was trained on images resized by '{recorded.Resize}' " +
                $"({recorded}); another resize mode would give features the model never saw. Leave Resizing at AsTrained (or {trained}).", "options");
        return option;
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
    /// The saved chain's image steps for a contract v2 model: ML.NET's resize (to the model size; a no-op at that size)
    /// and the premultiplied A, R, G, B planes as unscaled floats, which the graph then composites and converts.
    /// </summary>
    public static IEstimator<ITransformer> ArgbExtraction(MLContext ml, string imageColumn, string argbColumn, VaeModel model,
        VaeImageResizing resizing, out string[] temporaryColumns)
    {
        string resized = argbColumn + ".resized";
        var kind = resizing switch
        {
            VaeImageResizing.IsoPad => ImageResizingEstimator.ResizingKind.IsoPad,
            VaeImageResizing.IsoCrop => ImageResizingEstimator.ResizingKind.IsoCrop,
            _ => ImageResizingEstimator.ResizingKind.Fill,
        };
        temporaryColumns = [resized];
        return ml.Transforms.ResizeImages(resized, model.Width, model.Height, imageColumn, kind)
            .Append(ml.Transforms.ExtractPixels(argbColumn, resized, ImagePixelExtractingEstimator.ColorBits.All,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: false, scaleImage: 1f, offsetImage: 0f, outputAsFloatArray: true));
    }

    /// <summary>
    /// Preprocesses one MLImage by the model's recorded preprocessing into <paramref name="destination"/> (C·H·W values
    /// byte/255). The EXIF orientation, which MLImage drops, is read from the file the image's Tag names (ML.NET's
    /// LoadImages sets it to the path); an image without a readable file is taken as stored.
    /// </summary>
    public static void Preprocess(VaeModel model, MLImage image, bool resize, string column, long row, byte[] scratch, Span<float> destination)
    {
        var preprocessing = model.Description.Preprocessing!;
        CheckImage(model, image, resize, column, row);
        var origin = preprocessing.ApplyExifOrientation ? OriginFromTag(image.Tag) : SkiaSharp.SKEncodedOrigin.TopLeft;
        ImagePreprocessor.Apply(preprocessing, image.Pixels, image.Width, image.Height, image.PixelFormat == MLPixelFormat.Bgra32, origin,
            model.Height, model.Width, scratch);
        ImagePreprocessor.ToUnit(scratch, destination);
    }

    /// <summary>The per-row checks of a contract image: its size when not resizing, its pixel format (errors name column and row).</summary>
    public static void CheckImage(VaeModel model, MLImage image, bool resize, string column, long row)
    {
        if (!resize && (image.Width != model.Width || image.Height != model.Height))
            throw new InvalidDataException(
                $"Column '{column}', row {row}: the image is {image.Width}x{image.Height} (W×H), but the model expects {model.Width}x{model.Height} and Resizing is None.");
        if (image.PixelFormat is not (MLPixelFormat.Bgra32 or MLPixelFormat.Rgba32))
            throw new InvalidDataException($"Column '{column}', row {row}: the image's pixel format is {image.PixelFormat}; expected Bgra32 or Rgba32.");
    }

    /// <summary>The EXIF orientation of the file an MLImage's Tag names (LoadImages sets it to the path); TopLeft without one.</summary>
    public static SkiaSharp.SKEncodedOrigin OriginFromTag(string? tag) =>
        tag is { Length: > 0 } && File.Exists(tag) ? ImageDecoder.OriginOf(tag) : SkiaSharp.SKEncodedOrigin.TopLeft;

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
