using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Export;
using Vae.Training.Models;
using Vae.Training.Tests.Onnx;
using Vae.Training.Tests.Support;
using static TorchSharp.torch;

namespace Vae.Training.Tests.Data;

/// <summary>
/// The preprocessing contract end to end: the same file gives the same μ through the training loader and through
/// ML.NET's LoadImages + the featurizer, for every resize mode and background, on PNGs of every colour type
/// (transparent, palette + tRNS, gray + alpha, 16-bit) and sizes other than the model's.
/// </summary>
public sealed class PreprocessingParityTests : IDisposable
{
    private const int Size = 16;
    private readonly string _root = Directory.CreateTempSubdirectory("vae-preprocessing-").FullName;
    private readonly string _images;

    public PreprocessingParityTests()
    {
        _images = Path.Combine(_root, "images");
        Directory.CreateDirectory(_images);
        Write("a_rgba_17x51.png", PngWriter.ColorType.Rgba, 17, 51, 4);
        Write("b_rgb_40x30.png", PngWriter.ColorType.Rgb, 40, 30, 3);
        Write("c_gray_alpha_23x23.png", PngWriter.ColorType.GrayAlpha, 23, 23, 2);
        Write("d_rgb16_20x12.png", PngWriter.ColorType.Rgb, 20, 12, 3, bitDepth: 16);
        Write("e_rgba_at_model_size.png", PngWriter.ColorType.Rgba, Size, Size, 4);
        var palette = Enumerable.Range(0, 8).Select(i => ((byte)(i * 30), (byte)(255 - i * 20), (byte)(i * 13))).ToArray();
        PngWriter.Write(Path.Combine(_images, "f_palette_trns_30x18.png"), PngWriter.ColorType.Palette, 30, 18,
            PngWriter.Noise(30 * 18, 7, seed: 6), palette: palette, paletteAlpha: [0, 40, 128, 255, 255, 200]);
    }

    private void Write(string name, PngWriter.ColorType type, int width, int height, int channels, int bitDepth = 8) =>
        PngWriter.Write(Path.Combine(_images, name), type, width, height,
            PngWriter.Noise(width * height * channels, bitDepth == 16 ? 65535 : 255, seed: name.Length), bitDepth);

    public static TheoryData<VaeResizeMode, string, VaeColorMode> Cases()
    {
        var data = new TheoryData<VaeResizeMode, string, VaeColorMode>();
        foreach (var mode in Enum.GetValues<VaeResizeMode>())
        {
            data.Add(mode, "#FFFFFF", VaeColorMode.Rgb);
            data.Add(mode, "#336699", VaeColorMode.Rgb);
            data.Add(mode, "#000000", VaeColorMode.Grayscale);
        }
        data.Add(VaeResizeMode.Pad, "#FFFFFF", VaeColorMode.Grayscale);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Training_loader_and_MLNet_featurizer_give_the_same_mu(VaeResizeMode mode, string background, VaeColorMode color)
    {
        var preprocessing = new VaeImagePreprocessing { Resize = mode, Background = background, ColorMode = color };
        var set = ImageFolderLoader.Load(_images, Size, Size, preprocessing);
        string modelPath = ExportTinyModel(preprocessing, set);
        using var model = VaeModel.Load(modelPath);
        Assert.Equal(2, model.ContractVersion);
        Assert.Equal(mode, model.Preprocessing!.Resize);
        float[] trainingMu = model.Run(set.CopyPixels(0, set.Count), set.Count, VaeOutputKinds.Mu).Mu!;

        var ml = new MLContext(seed: 1);
        var files = Directory.GetFiles(_images).Order(StringComparer.Ordinal).Select(f => new FileRow { Path = f }).ToArray();
        var pipeline = ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path))
            .Append(ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", SigmaColumnName = null }, model));
        var view = ml.Data.LoadFromEnumerable(files);
        var mu = pipeline.Fit(view).Transform(view).GetColumn<float[]>("Mu").SelectMany(r => r).ToArray();

        Assert.Equal(set.Count, files.Length);
        OnnxTestSupport.AssertClose(trainingMu, mu, $"μ through LoadImages + featurizer ({preprocessing})", tolerance: 1e-5);
        // The images differ from each other: equal μ is not a constant output.
        Assert.Contains(Enumerable.Range(1, set.Count - 1), i => Math.Abs(trainingMu[i * 4] - trainingMu[0]) > 1e-3);
    }

    [Theory]
    [InlineData(VaeResizeMode.Stretch)]
    [InlineData(VaeResizeMode.Pad)]
    [InlineData(VaeResizeMode.Crop)]
    public void The_saved_chain_loaded_by_plain_MLNet_gives_the_training_mu_for_images_at_the_model_size(VaeResizeMode mode)
    {
        var preprocessing = new VaeImagePreprocessing { Resize = mode, Background = "#336699", ColorMode = VaeColorMode.Rgb };
        var set = ImageFolderLoader.Load(_images, Size, Size, preprocessing);
        using var model = VaeModel.Load(ExportTinyModel(preprocessing, set));
        var ml = new MLContext(seed: 1);
        var files = Directory.GetFiles(_images).Order(StringComparer.Ordinal).Select(f => new FileRow { Path = f }).ToArray();
        var view = ml.Data.LoadFromEnumerable(files);
        var fitted = ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path))
            .Append(ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", SigmaColumnName = null }, model)).Fit(view);
        string saved = Path.Combine(_root, $"saved-{mode}.zip");
        ml.Model.Save(fitted, view.Schema, saved);
        var loaded = new MLContext(seed: 1).Model.Load(saved, out _);
        var mu = loaded.Transform(view).GetColumn<float[]>("Mu").ToArray();

        float[] trainingMu = model.Run(set.CopyPixels(0, set.Count), set.Count, VaeOutputKinds.Mu).Mu!;
        int atSize = Array.FindIndex(files, f => f.Path.EndsWith("e_rgba_at_model_size.png", StringComparison.Ordinal));
        OnnxTestSupport.AssertClose(trainingMu.AsSpan(atSize * 4, 4).ToArray(), mu[atSize], $"saved chain μ of the {Size}x{Size} transparent image ({mode})", tolerance: 1e-5);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(7)]
    public void An_EXIF_rotated_JPEG_gives_the_same_mu_through_LoadImages_and_the_training_loader(int orientation)
    {
        // The featurizer reads the orientation from the file MLImage.Tag names: LoadImages must set it to the path.
        string folder = Path.Combine(_root, "exif");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "rotated.jpg");
        File.WriteAllBytes(path, ImageFileWriters.WithExifOrientation(ExifOrientationTests.AsymmetricJpeg(), orientation));
        var preprocessing = new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb };
        var set = ImageFolderLoader.Load(folder, Size, Size, preprocessing);
        var asStored = ImageFolderLoader.Load(folder, Size, Size, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb, ApplyExifOrientation = false });
        using var model = VaeModel.Load(ExportTinyModel(preprocessing, set));
        float[] trainingMu = model.Run(set.CopyPixels(0, set.Count), set.Count, VaeOutputKinds.Mu).Mu!;
        float[] storedMu = model.Run(asStored.CopyPixels(0, asStored.Count), asStored.Count, VaeOutputKinds.Mu).Mu!;

        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(new[] { new FileRow { Path = path } });
        var images = ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path)).Fit(view).Transform(view);
        using (var cursor = images.GetRowCursor(new[] { images.Schema["Image"] }))
        {
            var getter = cursor.GetGetter<MLImage>(images.Schema["Image"]);
            MLImage image = null!;
            Assert.True(cursor.MoveNext());
            getter(ref image);
            Assert.Equal(path, image.Tag); // read while the cursor owns the image (GetColumn disposes it)
        }
        var mu = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", SigmaColumnName = null }, model)
            .Fit(images).Transform(images).GetColumn<float[]>("Mu").Single();

        OnnxTestSupport.AssertClose(trainingMu, mu, $"μ of the EXIF orientation {orientation} JPEG through LoadImages + featurizer", tolerance: 1e-5);
        // Turning the image changes μ, so equality above is the orientation applied on both sides.
        Assert.Contains(Enumerable.Range(0, 4), i => Math.Abs(storedMu[i] - trainingMu[i]) > 1e-3);
    }

    [Fact]
    public void Transparent_pixels_become_the_background_in_training()
    {
        string folder = Path.Combine(_root, "transparent");
        Directory.CreateDirectory(folder);
        // One fully transparent pixel (premultiplied: all zero) and one opaque red one.
        PngWriter.Write(Path.Combine(folder, "x.png"), PngWriter.ColorType.Rgba, 2, 1, [10, 20, 30, 0, 255, 0, 0, 255]);
        var set = ImageFolderLoader.Load(folder, 1, 2, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb, Background = "#336699" });
        float[] expected = [0x33 / 255f, 1f, 0x66 / 255f, 0f, 0x99 / 255f, 0f]; // R plane, G plane, B plane
        Assert.Equal(expected, set.CopyPixels(0, set.Count));
    }

    [Fact]
    public void A_featurizer_resize_mode_other_than_the_recorded_one_is_refused()
    {
        var preprocessing = new VaeImagePreprocessing { Resize = VaeResizeMode.Pad, ColorMode = VaeColorMode.Rgb };
        var set = ImageFolderLoader.Load(_images, Size, Size, preprocessing);
        using var model = VaeModel.Load(ExportTinyModel(preprocessing, set));
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromEnumerable(new[] { new FileRow { Path = Directory.GetFiles(_images)[0] } });
        var images = ml.Transforms.LoadImages("Image", null, nameof(FileRow.Path)).Fit(view).Transform(view);
        var error = Assert.Throws<ArgumentException>(() =>
            ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", Resizing = VaeImageResizing.IsoCrop }, model).Fit(images));
        Assert.Contains("IsoCrop", error.Message);
        Assert.Contains("Pad", error.Message);
        Assert.Contains("Image", error.Message);
    }

    private string ExportTinyModel(VaeImagePreprocessing preprocessing, ImageSet set)
    {
        manual_seed(3);
        var architecture = new VaeArchitecture(VaeKind.Conv, preprocessing.Channels, Size, Size, LatentDim: 4, Hidden: [4, 8], ConvDense: 16).Validated();
        using var network = new VaeNetwork(architecture);
        network.eval();
        string folder = Directory.CreateTempSubdirectory("model-").FullName;
        var info = OnnxTestSupport.Info(VaeLikelihood.Bernoulli) with { Preprocessing = preprocessing, Dataset = set.Source };
        return VaeOnnxExporter.Export(network, info, folder).VaeModelPath;
    }

    private sealed class FileRow
    {
        public string Path { get; set; } = "";
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
