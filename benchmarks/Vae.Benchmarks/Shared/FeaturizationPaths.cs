using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;
using Vae.MLNet;

namespace Vae.Benchmarks.Shared;

/// <summary>
/// The two ML.NET ways to get μ from the same ONNX file over the same IDataView, both with the same ORT
/// thread settings and both producing a column named <see cref="MuRow.Column"/>.
/// </summary>
public sealed class FeaturizationPaths : IDisposable
{
    private readonly VaeModel _model;

    /// <summary>Fits both transformers on <paramref name="data"/>.</summary>
    public FeaturizationPaths(MLContext mlContext, string onnxPath, IDataView data, int batchSize, int intraOpNumThreads)
    {
        Data = data;
        _model = VaeModel.Load(onnxPath);
        Ours = mlContext.Transforms.VaeFeaturize(new VaeFeaturizerOptions
        {
            InputColumnName = ImageRow.Column,
            MuColumnName = MuRow.Column,
            SigmaColumnName = null,
            BatchSize = batchSize,
            IntraOpNumThreads = intraOpNumThreads,
        }, _model).Fit(data);
        Stock = mlContext.Transforms.ApplyOnnxModel(new OnnxOptions
        {
            ModelFile = onnxPath,
            InputColumns = [ImageRow.Column],
            OutputColumns = [MuRow.Column],
            IntraOpNumThreads = intraOpNumThreads,
            InterOpNumThreads = 1,
        }).Fit(data);
    }

    /// <summary>The input rows.</summary>
    public IDataView Data { get; }

    /// <summary>Our batched featurizer.</summary>
    public VaeFeaturizerTransformer Ours { get; }

    /// <summary>Stock <c>ApplyOnnxModel</c>.</summary>
    public OnnxTransformer Stock { get; }

    /// <summary>Reads μ of every row through our transformer; returns the row count.</summary>
    public long RunOurs() => BenchData.Consume(Ours.Transform(Data), MuRow.Column);

    /// <summary>Reads μ of every row through ApplyOnnxModel; returns the row count.</summary>
    public long RunStock() => BenchData.Consume(Stock.Transform(Data), MuRow.Column);

    /// <inheritdoc />
    public void Dispose()
    {
        Ours.Dispose();
        Stock.Dispose();
        _model.Dispose();
    }
}
