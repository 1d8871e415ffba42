using System.Threading.Channels;
using Microsoft.ML.OnnxRuntime;
using SkiaSharp;

namespace Vae.Benchmarks.Baselines;

/// <summary>How the hand-written baseline brings a decoded image to the model's size.</summary>
public enum SkiaResampling
{
    /// <summary>As ML.NET's <c>ResizeImages</c> (Fill) does in ML.NET 6: <c>SKBitmap.Resize</c>, nearest neighbour.</summary>
    AsResizeImages,
    /// <summary>
    /// As the training loader (ImageFolderLoader) does: drawn onto an opaque black canvas, bilinear from the
    /// nearest mipmap level when shrinking, Mitchell bicubic when only enlarging (none at the model's size).
    /// </summary>
    AsTrainingLoader,
}

/// <summary>
/// The hand-written way to get μ from image files: a bounded pipeline where a producer decodes and resizes
/// each batch's PNGs with SkiaSharp on all cores (<c>Parallel.For</c>) into a planar float buffer, and the
/// calling thread runs one ONNX Runtime session (same options as ours) on each full batch, asking only for
/// <c>mu</c> — no IDataView, no per-row dispatch. Two batches may be decoded ahead of the one being scored.
/// </summary>
public sealed class SkiaOrtFileFeaturizer : IDisposable
{
    private const int Ahead = 2;
    private readonly InferenceSession _session;
    private readonly IReadOnlyList<string> _files;
    private readonly int _batchSize, _channels, _height, _width, _latentDim, _decodeThreads;
    private readonly SkiaResampling _resampling;

    /// <summary>Loads <paramref name="onnxPath"/> (an RGB contract model); the files are read on every <see cref="Run"/>.</summary>
    public SkiaOrtFileFeaturizer(string onnxPath, IReadOnlyList<string> files, int batchSize, int intraOpNumThreads, int decodeThreads,
        SkiaResampling resampling)
    {
        using var options = new SessionOptions
        {
            IntraOpNumThreads = intraOpNumThreads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _session = new InferenceSession(onnxPath, options);
        int[] shape = _session.InputMetadata["image"].Dimensions;
        (_channels, _height, _width) = (shape[1], shape[2], shape[3]);
        if (_channels != 3)
            throw new ArgumentException($"{onnxPath}: the file benchmark decodes RGB images, but the model's input 'image' has {_channels} channel(s).", nameof(onnxPath));
        _latentDim = _session.OutputMetadata["mu"].Dimensions[1];
        (_files, _batchSize, _decodeThreads, _resampling) = (files, batchSize, decodeThreads, resampling);
    }

    /// <summary>
    /// Decodes and scores every file once, copying μ into <paramref name="mu"/> (rows × k) when given; returns
    /// the rows processed. With <paramref name="decodeOnly"/> the batches are decoded but not scored.
    /// </summary>
    public long Run(float[]? mu = null, bool decodeOnly = false)
    {
        int pixels = _channels * _height * _width;
        int batches = (_files.Count + _batchSize - 1) / _batchSize;
        var ready = Channel.CreateBounded<(int Batch, float[] Pixels, int Rows)>(Ahead);
        var free = Channel.CreateUnbounded<float[]>();
        for (int i = 0; i < Ahead + 2; i++)
            free.Writer.TryWrite(new float[_batchSize * pixels]);

        var producer = Task.Run(async () =>
        {
            try
            {
                for (int b = 0; b < batches; b++)
                {
                    float[] buffer = await free.Reader.ReadAsync().ConfigureAwait(false);
                    int first = b * _batchSize, rows = Math.Min(_batchSize, _files.Count - first);
                    Parallel.For(0, rows, new ParallelOptions { MaxDegreeOfParallelism = _decodeThreads },
                        r => Decode(_files[first + r], buffer.AsSpan(r * pixels, pixels)));
                    await ready.Writer.WriteAsync((b, buffer, rows)).ConfigureAwait(false);
                }
                ready.Writer.Complete();
            }
            catch (Exception e)
            {
                ready.Writer.Complete(e);
            }
        });

        long done = 0;
        var scratch = new float[_batchSize * _latentDim];
        using var runOptions = new RunOptions();
        while (ready.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            while (ready.Reader.TryRead(out var item))
            {
                if (!decodeOnly)
                {
                    using var input = OrtValue.CreateTensorValueFromMemory(item.Pixels, [item.Rows, _channels, _height, _width]);
                    using var outputs = _session.Run(runOptions, ["image"], [input], ["mu"]);
                    outputs[0].GetTensorDataAsSpan<float>().CopyTo(mu != null ? mu.AsSpan(item.Batch * _batchSize * _latentDim) : scratch);
                }
                done += item.Rows;
                free.Writer.TryWrite(item.Pixels);
            }
        producer.GetAwaiter().GetResult(); // rethrows a decoding error
        return done;
    }

    /// <summary>One file into C·H·W floats in [0, 1], planar RGB.</summary>
    private void Decode(string path, Span<float> target)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: not a decodable image.");
        using var sized = _resampling == SkiaResampling.AsResizeImages ? ResizeNearest(decoded) : DrawAsTrainingLoader(decoded);
        ReadOnlySpan<byte> rgba = sized.GetPixelSpan();
        int plane = _width * _height;
        for (int p = 0; p < plane; p++)
        {
            target[p] = rgba[4 * p] / 255f;
            target[plane + p] = rgba[4 * p + 1] / 255f;
            target[2 * plane + p] = rgba[4 * p + 2] / 255f;
        }
    }

    private SKBitmap ResizeNearest(SKBitmap decoded) =>
        decoded.Resize(new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Unpremul), new SKSamplingOptions(SKFilterMode.Nearest))
        ?? throw new InvalidOperationException($"SkiaSharp could not resize a {decoded.Width}x{decoded.Height} image.");

    private SKBitmap DrawAsTrainingLoader(SKBitmap decoded)
    {
        var sized = new SKBitmap(new SKImageInfo(_width, _height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var image = SKImage.FromBitmap(decoded);
        using var canvas = new SKCanvas(sized);
        canvas.Clear(SKColors.Black);
        canvas.DrawImage(image, new SKRect(0, 0, _width, _height), TrainingSampling(decoded.Width, decoded.Height));
        return sized;
    }

    private SKSamplingOptions TrainingSampling(int sourceWidth, int sourceHeight) =>
        sourceWidth == _width && sourceHeight == _height ? new SKSamplingOptions(SKFilterMode.Nearest)
        : sourceWidth > _width || sourceHeight > _height ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Nearest)
        : new SKSamplingOptions(SKCubicResampler.Mitchell);

    /// <inheritdoc />
    public void Dispose() => _session.Dispose();
}
