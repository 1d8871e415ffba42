using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using Microsoft.ML.Transforms.Onnx;
using Vae.MLNet;

namespace Vae.Benchmarks.Shared;

/// <summary>One image file as ML.NET sees it before <c>LoadImages</c>: its path.</summary>
public sealed class FileRow
{
    /// <summary>The path column.</summary>
    public const string Column = "Path";

    [ColumnName(Column)]
    public string Path { get; set; } = "";
}

/// <summary>
/// The two ML.NET ways to get μ from image files, over the same IDataView of paths, with the same ORT thread
/// settings, both producing a column named <see cref="MuRow.Column"/>:
/// ours, <c>LoadImages → VaeFeaturize</c> (image input, the featurizer's own preprocessing, batched), and
/// stock, <c>LoadImages → ResizeImages → ExtractPixels → ApplyOnnxModel</c> (one ORT call per row).
/// Both go through public API only, so they measure whatever preprocessing the featurizer has when run.
/// </summary>
public sealed class FileFeaturizationPaths : IDisposable
{
    private const string ImageColumn = "Image";
    private readonly VaeModel _model;

    /// <summary>Fits both chains on the rows of <paramref name="files"/>.</summary>
    public FileFeaturizationPaths(MLContext mlContext, string onnxPath, IReadOnlyList<string> files, int batchSize, int intraOpNumThreads)
    {
        _model = VaeModel.Load(onnxPath);
        if (_model.Channels != 3)
            throw new ArgumentException($"{onnxPath}: the file benchmark needs an RGB model (3 channels), got {_model.Channels}.", nameof(onnxPath));
        Data = mlContext.Data.LoadFromEnumerable(files.Select(f => new FileRow { Path = f }).ToArray());
        Load = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, FileRow.Column).Fit(Data);
        Ours = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, FileRow.Column)
            .Append(mlContext.Transforms.VaeFeaturize(new VaeFeaturizerOptions
            {
                InputColumnName = ImageColumn,
                MuColumnName = MuRow.Column,
                SigmaColumnName = null,
                BatchSize = batchSize,
                IntraOpNumThreads = intraOpNumThreads,
                Resizing = VaeImageResizing.Fill,
            }, _model))
            .Fit(Data);
        Stock = mlContext.Transforms.LoadImages(ImageColumn, imageFolder: null, FileRow.Column)
            .Append(mlContext.Transforms.ResizeImages("Resized", _model.Width, _model.Height, ImageColumn, ImageResizingEstimator.ResizingKind.Fill))
            .Append(mlContext.Transforms.ExtractPixels(ImageRow.Column, "Resized", ImagePixelExtractingEstimator.ColorBits.Rgb,
                ImagePixelExtractingEstimator.ColorsOrder.ARGB, interleavePixelColors: false, scaleImage: 1f / 255, outputAsFloatArray: true))
            .Append(mlContext.Transforms.ApplyOnnxModel(new OnnxOptions
            {
                ModelFile = onnxPath,
                InputColumns = [ImageRow.Column],
                OutputColumns = [MuRow.Column],
                IntraOpNumThreads = intraOpNumThreads,
                InterOpNumThreads = 1,
            }))
            .Fit(Data);
    }

    /// <summary>The path rows.</summary>
    public IDataView Data { get; }

    /// <summary><c>LoadImages</c> alone, the first step of both chains.</summary>
    public ITransformer Load { get; }

    /// <summary>The model both chains run.</summary>
    public VaeModel Model => _model;

    /// <summary>(a) <c>LoadImages → VaeFeaturize</c>.</summary>
    public ITransformer Ours { get; }

    /// <summary>(c) <c>LoadImages → ResizeImages → ExtractPixels → ApplyOnnxModel</c>.</summary>
    public ITransformer Stock { get; }

    /// <summary>Reads μ of every row through ours; returns the row count.</summary>
    public long RunOurs() => BenchData.Consume(Ours.Transform(Data), MuRow.Column);

    /// <summary>Reads μ of every row through the stock chain; returns the row count.</summary>
    public long RunStock() => BenchData.Consume(Stock.Transform(Data), MuRow.Column);

    /// <summary>Reads <c>LoadImages</c>' image column alone (every file decoded, nothing else): the floor of both chains.</summary>
    public long RunLoadOnly()
    {
        var loaded = Load.Transform(Data);
        var column = loaded.Schema[ImageColumn];
        using var cursor = loaded.GetRowCursor([column]);
        var getter = cursor.GetGetter<MLImage>(column);
        MLImage image = null!;
        long rows = 0;
        while (cursor.MoveNext())
        {
            getter(ref image);
            rows++;
        }
        return rows;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        (Ours as IDisposable)?.Dispose();
        (Stock as IDisposable)?.Dispose();
        _model.Dispose();
    }
}
