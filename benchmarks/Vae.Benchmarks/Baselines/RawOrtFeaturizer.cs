using Microsoft.ML.OnnxRuntime;
using Vae.Training.Data;

namespace Vae.Benchmarks.Baselines;

/// <summary>
/// The ceiling for featurization: one ONNX Runtime session (same options as ours) run on batches already laid
/// out in memory, asking only for <c>mu</c> and copying it out — no IDataView, no per-row work.
/// </summary>
public sealed class RawOrtFeaturizer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly (float[] Pixels, int Rows)[] _batches;
    private readonly long[] _imageShape;
    private readonly int _latentDim;

    /// <summary>Loads <paramref name="onnxPath"/> and pre-slices <paramref name="images"/> into batches of <paramref name="batchSize"/>.</summary>
    public RawOrtFeaturizer(string onnxPath, ImageSet images, int batchSize, int intraOpNumThreads)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, options);
        _latentDim = (int)_session.OutputMetadata["mu"].Dimensions[1];
        _imageShape = [images.Channels, images.Height, images.Width];
        int p = images.PixelsPerImage;
        _batches = Enumerable.Range(0, (images.Count + batchSize - 1) / batchSize)
            .Select(b =>
            {
                int rows = Math.Min(batchSize, images.Count - b * batchSize);
                return (images.CopyPixels(b * batchSize, rows), rows);
            })
            .ToArray();
    }

    /// <summary>Runs every batch once, copying μ into <paramref name="mu"/> (rows × k) when given; returns the rows processed.</summary>
    public long Run(float[]? mu = null)
    {
        long rows = 0;
        var scratch = new float[_batches[0].Rows * _latentDim];
        using var runOptions = new RunOptions();
        foreach (var (pixels, count) in _batches)
        {
            using var input = OrtValue.CreateTensorValueFromMemory(pixels, [count, .. _imageShape]);
            using var outputs = _session.Run(runOptions, ["image"], [input], ["mu"]);
            var values = outputs[0].GetTensorDataAsSpan<float>();
            values.CopyTo(mu != null ? mu.AsSpan((int)rows * _latentDim) : scratch);
            rows += count;
        }
        return rows;
    }

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
