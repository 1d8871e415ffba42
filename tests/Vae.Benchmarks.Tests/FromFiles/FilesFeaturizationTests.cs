using Microsoft.ML;
using SkiaSharp;
using Vae.Benchmarks.Baselines;
using Vae.Benchmarks.Shared;
using Vae.MLNet.Tests.Support;
using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Benchmarks.Tests.FromFiles;

/// <summary>
/// The "featurize from files" benchmark on a few files: the cache it makes, and its three paths — ours
/// (LoadImages → VaeFeaturize), the hand-written SkiaSharp + ORT pipeline and stock ApplyOnnxModel.
/// </summary>
public sealed class FilesFeaturizationTests : IDisposable
{
    private const int Side = 16;
    private readonly string _folder = Directory.CreateTempSubdirectory("vae-bench-files-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Cache_holds_the_count_of_opaque_pngs_at_their_seeded_sizes_and_is_made_once()
    {
        string cache = Path.Combine(_folder, "cache");
        var files = PngFileCache.Ensure(cache, source: null, count: 12);

        Assert.Equal(12, files.Count);
        for (int i = 0; i < files.Count; i++)
        {
            using var bitmap = SKBitmap.Decode(files[i]);
            var (width, height) = PngFileCache.Size(i);
            Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
            Assert.InRange(width, PngFileCache.MinSide, PngFileCache.MaxSide);
            Assert.All(bitmap.Pixels, p => Assert.Equal(255, p.Alpha));
        }
        Assert.NotEqual(PngFileCache.Size(0), PngFileCache.Size(1));

        var written = files.Select(File.GetLastWriteTimeUtc).ToArray();
        Assert.Equal(files, PngFileCache.Ensure(cache, source: null, count: 12));
        Assert.Equal(written, files.Select(File.GetLastWriteTimeUtc));
        // Another count is another cache: the manifest no longer matches, so the files are made again.
        Assert.Equal(13, PngFileCache.Ensure(cache, source: null, count: 13).Count);
    }

    [Fact]
    public void At_the_models_size_the_three_paths_give_the_same_mu()
    {
        // Colour files already at the model's 16×16: no path resamples, so all three must see the same pixels.
        string folder = Directory.CreateDirectory(Path.Combine(_folder, "same-size")).FullName;
        var files = Enumerable.Range(0, 10).Select(i => WriteRgbPng(folder, i)).ToArray();
        string onnx = RgbModel(folder);

        var (ours, nearest, training, stock) = Mu(onnx, files, batchSize: 4);

        Assert.Equal(10 * 4, ours.Length);
        AssertSameMu(ours, nearest, "ours", "hand-written (ResizeImages' sampling)");
        AssertSameMu(ours, training, "ours", "hand-written (the training loader's sampling)");
        AssertSameMu(ours, stock, "ours", "stock");
        Assert.True(ours.Distinct().Count() > 20, "μ must vary across files, or the comparison shows nothing");
    }

    [Fact]
    public void At_varied_sizes_every_path_featurizes_every_file()
    {
        var files = PngFileCache.Ensure(Path.Combine(_folder, "cache"), source: null, count: 9);
        string onnx = RgbModel(Directory.CreateDirectory(Path.Combine(_folder, "model-images")).FullName);

        var (ours, nearest, training, stock) = Mu(onnx, files, batchSize: 4);

        Assert.Equal(9 * 4, ours.Length);
        Assert.Equal(ours.Length, nearest.Length);
        Assert.Equal(ours.Length, training.Length);
        Assert.Equal(ours.Length, stock.Length);
        Assert.All(ours.Concat(nearest).Concat(training).Concat(stock), v => Assert.True(float.IsFinite(v)));
        // The hand-written nearest-neighbour resize is ML.NET 6's ResizeImages (Fill): the same pixels, the same μ.
        AssertSameMu(stock, nearest, "stock", "hand-written (ResizeImages' sampling)");
        using var decodeOnly = new SkiaOrtFileFeaturizer(onnx, files, 4, 1, 2, SkiaResampling.AsTrainingLoader);
        Assert.Equal(9, decodeOnly.Run(decodeOnly: true));
    }

    private static void AssertSameMu(float[] expected, float[] actual, string expectedName, string actualName)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4, $"μ[{i}]: {expectedName} {expected[i]}, {actualName} {actual[i]}");
    }

    private static (float[] Ours, float[] Nearest, float[] Training, float[] Stock) Mu(string onnx, IReadOnlyList<string> files, int batchSize)
    {
        using var paths = new FileFeaturizationPaths(new MLContext(seed: 1), onnx, files, batchSize, intraOpNumThreads: 1);
        Assert.Equal(files.Count, paths.RunOurs());
        Assert.Equal(files.Count, paths.RunStock());
        Assert.Equal(files.Count, paths.RunLoadOnly());
        float[] HandWritten(SkiaResampling resampling)
        {
            using var featurizer = new SkiaOrtFileFeaturizer(onnx, files, batchSize, intraOpNumThreads: 1, decodeThreads: 2, resampling);
            var mu = new float[files.Count * paths.Model.LatentDim];
            Assert.Equal(files.Count, featurizer.Run(mu));
            return mu;
        }
        return (BenchData.ReadVectorColumn(paths.Ours.Transform(paths.Data), MuRow.Column), HandWritten(SkiaResampling.AsResizeImages),
            HandWritten(SkiaResampling.AsTrainingLoader), BenchData.ReadVectorColumn(paths.Stock.Transform(paths.Data), MuRow.Column));
    }

    /// <summary>A randomly initialised RGB MLP VAE on 16×16, exported with quantiles from a few colour images.</summary>
    private string RgbModel(string imageFolder)
    {
        if (!Directory.EnumerateFiles(imageFolder, "*.png").Any())
            for (int i = 0; i < 4; i++)
                WriteRgbPng(imageFolder, i);
        var images = ImageFolderLoader.Load(imageFolder, Side, Side, Vae.MLNet.VaeColorMode.Rgb);
        return BenchModels.ExportRandom(VaeArchitecture.Mlp(channels: 3, height: Side, width: Side, latentDim: 4, hidden: 16), images, Path.Combine(_folder, "model"));
    }

    /// <summary>An opaque 16×16 PNG whose R, G and B planes are crops of three different Fashion-MNIST images.</summary>
    private static string WriteRgbPng(string folder, int index)
    {
        var planes = TestData.Images(3 * index, 3);
        using var bitmap = new SKBitmap(new SKImageInfo(Side, Side, SKColorType.Rgba8888, SKAlphaType.Opaque));
        for (int y = 0; y < Side; y++)
            for (int x = 0; x < Side; x++)
            {
                byte Channel(int c) => (byte)Math.Round(255 * planes[c][(y + 6) * 28 + x + 6]);
                bitmap.SetPixel(x, y, new SKColor(Channel(0), Channel(1), Channel(2)));
            }
        string path = Path.Combine(folder, $"rgb{index:D2}.png");
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
        return path;
    }
}
