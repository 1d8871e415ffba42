using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class ImageInputTests
{
    private const int Start = 8100, Count = 40;

    private sealed class MuSigma
    {
        public float[] Mu { get; set; } = [];
        public float[] Sigma { get; set; } = [];
    }

    private static List<MuSigma> FromVectors(MLContext ml, VaeModel model)
    {
        var data = Rows.Pixels(ml, Start, Count);
        var options = new VaeFeaturizerOptions { InputColumnName = "Pixels" };
        return Rows.Read<MuSigma>(ml, ml.Transforms.VaeFeaturize(options, model).Fit(data).Transform(data));
    }

    private static void AssertSame(List<MuSigma> expected, List<MuSigma> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            DirectOrt.AssertClose(expected[r].Mu, actual[r].Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected[r].Sigma, actual[r].Sigma, 1e-5, $"sigma row {r}");
        }
    }

    [Fact]
    public void MLImage_input_gives_the_same_features_as_the_pixel_vector()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var images = ml.Data.LoadFromEnumerable(Enumerable.Range(Start, Count).Select(i => new ImageRow { Image = Images.FashionMnist(i) }).ToList());
        var options = new VaeFeaturizerOptions { InputColumnName = "Image" };
        var fromImages = Rows.Read<MuSigma>(ml, ml.Transforms.VaeFeaturize(options, model).Fit(images).Transform(images));
        AssertSame(FromVectors(ml, model), fromImages);
    }

    [Fact]
    public void Png_files_loaded_by_LoadImages_give_the_same_features_as_the_pixel_vector()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var data = Images.AsPngFiles(ml, Enumerable.Range(Start, Count).Select(Images.FashionMnist), out string folder);
        try
        {
            var estimator = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image" }, model);
            var fromPng = Rows.Read<MuSigma>(ml, estimator.Fit(data).Transform(data));
            AssertSame(FromVectors(ml, model), fromPng);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Larger_images_are_resized_when_the_option_allows()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        // 56x56 upsampled copies (each pixel doubled): resizing back to 28x28 gives features close to the original's.
        var rows = Enumerable.Range(Start, 5).Select(i =>
        {
            byte[] small = TestData.ImageBytes(i), big = new byte[56 * 56];
            for (int y = 0; y < 56; y++)
                for (int x = 0; x < 56; x++)
                    big[y * 56 + x] = small[(y / 2) * 28 + x / 2];
            return Images.FromGray(big, 56, 56);
        }).ToList();
        var data = Images.AsPngFiles(ml, rows, out string folder);
        var options = new VaeFeaturizerOptions { InputColumnName = "Image", Resizing = VaeImageResizing.Fill };
        var features = Rows.Read<MuSigma>(ml, ml.Transforms.VaeFeaturize(options, model).Fit(data).Transform(data));
        Assert.Equal(5, features.Count);
        Assert.All(features, f => Assert.Equal(8, f.Mu.Length));
        Assert.All(features, f => Assert.All(f.Mu, v => Assert.True(float.IsFinite(v))));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void Image_of_the_wrong_size_without_resizing_is_rejected_naming_column_row_and_sizes()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var data = Images.AsPngFiles(ml, [Images.FashionMnist(0), Images.FromGray(new byte[30 * 20], 30, 20)], out string folder);
        var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image" }, model).Fit(data);
        var error = Assert.Throws<InvalidDataException>(() => Rows.Read<MuSigma>(ml, transformer.Transform(data)));
        Assert.Contains("'Image'", error.Message);
        Assert.Contains("row 1", error.Message);
        Assert.Contains("30x20", error.Message);
        Assert.Contains("28x28", error.Message);
        Directory.Delete(folder, recursive: true);
    }
}

public sealed class ImagePredictionEngineTests
{
    private sealed class Mu
    {
        [Microsoft.ML.Data.ColumnName("Mu")]
        public float[] Values { get; set; } = [];
    }

    [Fact]
    public void Prediction_engine_on_MLImage_input_matches_the_pixel_vector_path()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var images = ml.Data.LoadFromEnumerable(new[] { new ImageRow { Image = Images.FashionMnist(0) } });
        using var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image" }, model).Fit(images);
        using var engine = ml.Model.CreatePredictionEngine<ImageRow, Mu>(transformer, new PredictionEngineOptions { OwnsTransformer = false });
        var expected = model.Run(TestData.Images(8900, 5).SelectMany(p => p).ToArray(), 5, VaeOutputKinds.Mu).Mu!;
        for (int r = 0; r < 5; r++)
        {
            using var image = Images.FashionMnist(8900 + r);
            DirectOrt.AssertClose(expected.AsSpan(r * 8, 8).ToArray(), engine.Predict(new ImageRow { Image = image }).Values, 1e-5, $"mu row {r}");
        }
    }
}
