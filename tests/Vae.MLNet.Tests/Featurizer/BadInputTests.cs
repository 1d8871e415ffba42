using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class BadInputTests
{
    private sealed class SmallVector
    {
        [VectorType(100)]
        public float[] Pixels { get; set; } = [];
    }

    private sealed class ByteVector
    {
        [VectorType(784)]
        public byte[] Pixels { get; set; } = [];
    }

    private sealed class Scores
    {
        public float[] Mu { get; set; } = [];
        public float Error { get; set; }
        public float Kl { get; set; }
    }

    private static VaeFeaturizerOptions ScoreOptions(InvalidPixelHandling handling = InvalidPixelHandling.Throw) => new()
    {
        InputColumnName = "Pixels",
        SigmaColumnName = null,
        ReconstructionErrorColumnName = "Error",
        KlColumnName = "Kl",
        InvalidPixelHandling = handling,
    };

    [Fact]
    public void Wrong_vector_size_is_rejected_at_fit_naming_column_expected_and_actual()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new SmallVector { Pixels = new float[100] }]);
        using var model = VaeModel.Load(TestData.ContractVae);
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeFeaturize(ScoreOptions(), model).Fit(data));
        Assert.Contains("'Pixels'", error.Message);
        Assert.Contains("784", error.Message);
        Assert.Contains("100", error.Message);
    }

    [Fact]
    public void Wrong_size_in_a_variable_size_vector_is_rejected_naming_the_row()
    {
        var ml = new MLContext(seed: 1);
        var rows = new[] { new VariablePixelRow { Pixels = TestData.Images(0, 1)[0] }, new VariablePixelRow { Pixels = new float[783] } };
        var data = ml.Data.LoadFromEnumerable(rows);
        Assert.Equal(0, ((VectorDataViewType)data.Schema["Pixels"].Type).Size);
        using var model = VaeModel.Load(TestData.ContractVae);
        var transformer = ml.Transforms.VaeFeaturize(ScoreOptions(), model).Fit(data);
        var error = Assert.Throws<InvalidDataException>(() => Rows.Read<Scores>(ml, transformer.Transform(data)));
        Assert.Contains("'Pixels', row 1", error.Message);
        Assert.Contains("784", error.Message);
        Assert.Contains("783", error.Message);
    }

    [Fact]
    public void Non_float_column_is_rejected_naming_the_type()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable([new ByteVector { Pixels = new byte[784] }]);
        using var model = VaeModel.Load(TestData.ContractVae);
        var estimator = ml.Transforms.VaeFeaturize(ScoreOptions(), model);
        var error = Assert.Throws<ArgumentException>(() => estimator.Fit(data));
        Assert.Contains("'Pixels'", error.Message);
        Assert.Contains("Byte", error.Message);
        Assert.Contains("Single", error.Message);
    }

    [Fact]
    public void Missing_input_column_is_rejected_listing_the_columns()
    {
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 2);
        using var model = VaeModel.Load(TestData.ContractVae);
        var options = ScoreOptions();
        options.InputColumnName = "Picture";
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeFeaturize(options, model).Fit(data));
        Assert.Contains("'Picture'", error.Message);
        Assert.Contains("Pixels", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void NaN_or_infinite_pixels_throw_naming_column_and_row(float bad)
    {
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(0, 3).Select(p => (float[])p.Clone()).ToArray();
        images[2][100] = bad;
        var data = ml.Data.LoadFromEnumerable(images.Select(p => new PixelRow { Pixels = p }).ToList());
        using var model = VaeModel.Load(TestData.ContractVae);
        var transformer = ml.Transforms.VaeFeaturize(ScoreOptions(), model).Fit(data);
        var error = Assert.Throws<InvalidDataException>(() => Rows.Read<Scores>(ml, transformer.Transform(data)));
        Assert.Contains("'Pixels', row 2", error.Message);
        Assert.Contains("pixel 100", error.Message);

        using var engine = ml.Model.CreatePredictionEngine<PixelRow, Scores>(transformer);
        Assert.Throws<InvalidDataException>(() => engine.Predict(new PixelRow { Pixels = images[2] }));
    }

    [Fact]
    public void NaN_pixels_score_as_maximal_error_when_the_option_says_so()
    {
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(0, 4).Select(p => (float[])p.Clone()).ToArray();
        images[1][5] = float.NaN;
        var data = ml.Data.LoadFromEnumerable(images.Select(p => new PixelRow { Pixels = p }).ToList());
        using var model = VaeModel.Load(TestData.ContractVae);
        var transformer = ml.Transforms.VaeFeaturize(ScoreOptions(InvalidPixelHandling.MaximalError), model).Fit(data);
        var scores = Rows.Read<Scores>(ml, transformer.Transform(data));
        Assert.Equal(float.MaxValue, scores[1].Error);
        Assert.Equal(float.MaxValue, scores[1].Kl);
        Assert.All(scores[1].Mu, v => Assert.True(float.IsNaN(v)));
        // The valid rows are untouched: equal to a run without the bad row.
        var expected = DirectOrt.Run(TestData.ContractVae, "image", [images[0], images[2], images[3]], [1, 28, 28]);
        DirectOrt.AssertClose(expected["reconstruction_error"][0], [scores[0].Error], 1e-5, "error row 0");
        DirectOrt.AssertClose(expected["reconstruction_error"][2], [scores[3].Error], 1e-5, "error row 3");
        Assert.True(scores.Where((_, i) => i != 1).All(s => s.Error < float.MaxValue / 2));
    }

    [Fact]
    public void Empty_data_view_is_rejected_at_fit()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new List<PixelRow>());
        using var model = VaeModel.Load(TestData.ContractVae);
        var error = Assert.Throws<InvalidOperationException>(() => ml.Transforms.VaeFeaturize(ScoreOptions(), model).Fit(data));
        Assert.Contains("empty", error.Message);
        Assert.Contains("'Pixels'", error.Message);
    }

    [Fact]
    public void Reconstruction_columns_from_an_encoder_without_decoder_are_refused()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        var error = Assert.Throws<ArgumentException>(() => ml.Transforms.VaeFeaturize(ScoreOptions(), model));
        Assert.Contains("'Error'", error.Message);
        Assert.Contains("HasReconstruction = false", error.Message);
    }

    [Fact]
    public void Options_producing_nothing_or_duplicates_are_refused()
    {
        var ml = new MLContext(seed: 1);
        using var model = VaeModel.Load(TestData.ContractVae);
        var none = new VaeFeaturizerOptions { InputColumnName = "Pixels", MuColumnName = null, SigmaColumnName = null };
        Assert.Contains("no column", Assert.Throws<ArgumentException>(() => ml.Transforms.VaeFeaturize(none, model)).Message);
        var twice = new VaeFeaturizerOptions { InputColumnName = "Pixels", SigmaColumnName = "Mu" };
        Assert.Contains("'Mu' is used twice", Assert.Throws<ArgumentException>(() => ml.Transforms.VaeFeaturize(twice, model)).Message);
    }
}

public sealed class SaveRefusalTests
{
    [Fact]
    public void Saving_a_featurizer_over_a_variable_size_vector_explains_why_it_cannot()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new VariablePixelRow { Pixels = new float[784] } });
        using var model = VaeModel.Load(TestData.ContractVae);
        using var transformer = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Pixels" }, model).Fit(data);
        using var stream = new MemoryStream();
        var error = Assert.Throws<InvalidOperationException>(() => ml.Model.Save(transformer, data.Schema, stream));
        Assert.Contains("'Pixels'", error.Message);
        Assert.Contains("Vector<Single, 784>", error.Message);
    }
}
