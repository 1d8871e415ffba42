using Microsoft.ML;
using Microsoft.ML.Data;

namespace Vae.MLNet;

/// <summary>
/// Reads one row's pixels from the (preprocessed) source row into a dense buffer, checking the size,
/// the image dimensions (when not resizing) and that every value is finite.
/// </summary>
internal sealed class PixelReader
{
    private readonly FeaturizerBinding _binding;
    private readonly ValueGetter<VBuffer<float>>? _pixels;
    private readonly ValueGetter<MLImage>? _image;
    private readonly byte[]? _preprocessed;
    private VBuffer<float> _buffer;
    private MLImage? _current;
    private ContractImageBatch? _batch;

    public PixelReader(DataViewRow sourceRow, FeaturizerBinding binding)
    {
        _binding = binding;
        if (binding.InputKind == FeaturizerInputKind.ContractImage)
        {
            _image = sourceRow.GetGetter<MLImage>(sourceRow.Schema[binding.InputColumnIndex]);
            _preprocessed = new byte[binding.Model.PixelCount];
            return;
        }
        _pixels = sourceRow.GetGetter<VBuffer<float>>(sourceRow.Schema[binding.PixelColumnName]);
        if (binding.InputKind == FeaturizerInputKind.Image && binding.Resizing == VaeImageResizing.None)
            _image = sourceRow.GetGetter<MLImage>(sourceRow.Schema[binding.InputColumnIndex]);
    }

    /// <summary>True when rows are read a batch at a time (<see cref="Capture"/>, then <see cref="CompleteBatch"/>): contract images.</summary>
    public bool ReadsBatches => _preprocessed != null;

    /// <summary>Takes the current row's image into the batch (decoded upstream, on this thread); its pixels come with <see cref="CompleteBatch"/>.</summary>
    public void Capture(long row, int batchSize)
    {
        _batch ??= new ContractImageBatch(_binding.Model, batchSize);
        _image!(ref _current!);
        if (_current == null)
            throw new InvalidDataException($"Column '{_binding.Options.InputColumnName}', row {row}: the image is missing (null).");
        _batch.Capture(_current, _binding.Resizing != VaeImageResizing.None, _binding.Options.InputColumnName, row);
    }

    /// <summary>Preprocesses the captured rows in parallel into <paramref name="destination"/>, in capture order.</summary>
    public void CompleteBatch(float[] destination) => _batch?.Complete(destination);

    /// <summary>Fills <paramref name="destination"/>; false when the row has NaN/Inf pixels and the option says score it as maximal error.</summary>
    public bool Read(Span<float> destination, long row)
    {
        var model = _binding.Model;
        string column = _binding.Options.InputColumnName;
        if (_image != null)
        {
            // The same variable each call, as ML.NET's getters expect: LoadImages disposes the previous image then.
            _image(ref _current!);
            var image = _current;
            if (image == null)
                throw new InvalidDataException($"Column '{column}', row {row}: the image is missing (null).");
            if (_preprocessed != null)
            {
                // Contract images: the model's own preprocessing; its bytes are valid pixels by construction.
                FeaturizerInput.Preprocess(model, image, _binding.Resizing != VaeImageResizing.None, column, row, _preprocessed, destination);
                return true;
            }
            if (image.Width != model.Width || image.Height != model.Height)
                throw new InvalidDataException(
                    $"Column '{column}', row {row}: the image is {image.Width}x{image.Height} (W×H), but the model expects {model.Width}x{model.Height}; " +
                    "set VaeFeaturizerOptions.Resizing to resize images.");
        }
        _pixels!(ref _buffer);
        if (_buffer.Length != model.PixelCount)
            throw new InvalidDataException(
                $"Column '{column}', row {row}: expected {model.PixelCount} pixel values ({model.Channels}x{model.Height}x{model.Width}), got {_buffer.Length}.");
        var values = _buffer.GetValues();
        if (_buffer.IsDense)
        {
            values.CopyTo(destination);
        }
        else
        {
            destination[..model.PixelCount].Clear();
            var indices = _buffer.GetIndices();
            for (int i = 0; i < indices.Length; i++)
                destination[indices[i]] = values[i];
        }
        for (int i = 0; i < model.PixelCount; i++)
        {
            float v = destination[i];
            if (v >= 0f && v <= 1f)
                continue;
            if (float.IsFinite(v))
                throw new InvalidDataException(
                    $"Column '{column}', row {row}: pixel {i} is {v}; pixels must be in [0, 1] " +
                    "(scale 0..255 images by 1/255, e.g. ExtractPixels(scaleImage: 1f / 255)).");
            if (_binding.Options.InvalidPixelHandling == InvalidPixelHandling.MaximalError)
            {
                destination[..model.PixelCount].Clear();
                return false;
            }
            throw new InvalidDataException(
                $"Column '{column}', row {row}: pixel {i} is {v}; pixels must be finite values in [0, 1] " +
                "(or set VaeFeaturizerOptions.InvalidPixelHandling = MaximalError to score such rows as maximal error).");
        }
        return true;
    }
}
