using Microsoft.ML;
using Microsoft.ML.Data;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class SaveLoadTests
{
    private const int Start = 8700, Count = 40;

    /// <summary>The columns as the saved chain gives them back: error and KL as 1-slot vectors.</summary>
    private sealed class LoadedRow
    {
        public float[] Mu { get; set; } = [];
        public float[] Sigma { get; set; } = [];
        public float[] LogVar { get; set; } = [];
        public float[] Error { get; set; } = [];
        public float[] Divergence { get; set; } = [];
        public float[] Kl { get; set; } = [];
        public float[] Reconstruction { get; set; } = [];
        public string Tag { get; set; } = "";
    }

    private static void AssertSameFeatures(List<FeatureRow> expected, List<LoadedRow> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int r = 0; r < expected.Count; r++)
        {
            DirectOrt.AssertClose(expected[r].Mu, actual[r].Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected[r].Sigma, actual[r].Sigma, 1e-5, $"sigma row {r}");
            DirectOrt.AssertClose(expected[r].LogVar, actual[r].LogVar, 1e-5, $"logvar row {r}");
            DirectOrt.AssertClose([expected[r].Error], actual[r].Error, 1e-5, $"error row {r}");
            DirectOrt.AssertClose([expected[r].Divergence], actual[r].Divergence, 1e-4, $"divergence row {r}");
            DirectOrt.AssertClose([expected[r].Kl], actual[r].Kl, 1e-5, $"kl row {r}");
            DirectOrt.AssertClose(expected[r].Reconstruction, actual[r].Reconstruction, 1e-5, $"reconstruction row {r}");
            Assert.Equal(expected[r].Tag, actual[r].Tag);
        }
    }

    /// <summary>Fits a featurizer on a temp copy of the fixture, saves it, deletes the copy; returns in-process values.</summary>
    private static List<FeatureRow> SaveWithModelDeleted(TempModels temp, string zip, Func<MLContext, VaeModel, IDataView, ITransformer> fit)
    {
        string copy = temp.Write("copy.onnx", File.ReadAllBytes(TestData.ContractVae));
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, Count);
        List<FeatureRow> expected;
        using (var model = VaeModel.Load(copy))
        {
            var transformer = fit(ml, model, data);
            expected = Rows.Read<FeatureRow>(ml, transformer.Transform(data));
            ml.Model.Save(transformer, data.Schema, zip);
            (transformer as IDisposable)?.Dispose();
        }
        File.Delete(copy);
        Assert.False(File.Exists(copy));
        return expected;
    }

    [Fact]
    public void Saved_model_loads_in_a_fresh_context_with_the_onnx_file_deleted_and_gives_the_same_values()
    {
        using var temp = new TempModels();
        string zip = temp.Path("featurizer.zip");
        var expected = SaveWithModelDeleted(temp, zip, (ml, model, data) => ml.Transforms.VaeFeaturize(Rows.AllColumns(), model).Fit(data));

        var fresh = new MLContext(seed: 2);
        var loaded = fresh.Model.Load(zip, out var inputSchema);
        Assert.NotNull(inputSchema.GetColumnOrNull("Pixels"));
        // Nothing of Vae.MLNet in the loaded chain: only ML.NET built-ins.
        foreach (var part in (IEnumerable<ITransformer>)loaded)
            Assert.False(typeof(VaeModel).Assembly == part.GetType().Assembly, $"loaded chain contains {part.GetType()}");
        var output = loaded.Transform(Rows.Pixels(fresh, Start, Count));
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 8), output.Schema["Mu"].Type);
        // ML.NET's OnnxTransformer emits only vectors (a rank-0 output gets a Single type but no working getter
        // in ML.NET 5), so the scalar columns come back as one-slot vectors; LoadFast restores Single.
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1), output.Schema["Error"].Type);
        Assert.Equal(new VectorDataViewType(NumberDataViewType.Single, 1, 28, 28), output.Schema["Reconstruction"].Type);
        AssertSameFeatures(expected, Rows.Read<LoadedRow>(fresh, output));
    }

    [Fact]
    public void LoadFast_gives_back_the_batched_transformer_with_identical_columns()
    {
        using var temp = new TempModels();
        string zip = temp.Path("featurizer.zip");
        var options = Rows.AllColumns();
        options.SampledLatentColumnName = "Z";
        options.Seed = 5;
        var expected = SaveWithModelDeleted(temp, zip, (ml, model, data) => ml.Transforms.VaeFeaturize(options, model).Fit(data));

        var fresh = new MLContext(seed: 2);
        using var fast = VaeFeaturizerTransformer.LoadFast(fresh, zip);
        Assert.Equal(5, fast.Options.Seed);
        Assert.Equal(8, fast.Model.LatentDim);
        Assert.Equal(VaeLikelihood.Bernoulli, fast.Model.Likelihood);
        var data = Rows.Pixels(fresh, Start, Count);
        var output = fast.Transform(data);
        Assert.Equal(NumberDataViewType.Single, output.Schema["Error"].Type);
        var actual = Rows.Read<FeatureRow>(fresh, output);
        for (int r = 0; r < Count; r++)
        {
            Assert.Equal(expected[r].Mu, actual[r].Mu);
            Assert.Equal(expected[r].Error, actual[r].Error);
            Assert.Equal(expected[r].Kl, actual[r].Kl);
        }
    }

    [Fact]
    public void Saved_image_pipeline_with_downstream_transforms_loads_and_matches()
    {
        using var temp = new TempModels();
        string zip = temp.Path("images.zip");
        string copy = temp.Write("copy.onnx", File.ReadAllBytes(TestData.ContractVae));
        var ml = new MLContext(seed: 1);
        IDataView Images28(MLContext c) =>
            c.Data.LoadFromEnumerable(Enumerable.Range(Start, Count).Select(i => new ImageRow { Image = Support.Images.FashionMnist(i) }).ToList());
        var data = Images28(ml);
        float[][] expected;
        using (var model = VaeModel.Load(copy))
        {
            var pipeline = ml.Transforms.VaeFeaturize(new VaeFeaturizerOptions { InputColumnName = "Image", KlColumnName = "Kl" }, model)
                .Append(ml.Transforms.Concatenate("Features", "Mu", "Sigma"));
            var fitted = pipeline.Fit(data);
            expected = ml.Data.CreateEnumerable<FeaturesRow>(fitted.Transform(data), false).Select(r => r.Features).ToArray();
            // ML.NET cannot serialize an input schema holding an image column; the chain needs none.
            ml.Model.Save(fitted, null, zip);
            fitted.Dispose();
        }
        File.Delete(copy);

        var fresh = new MLContext(seed: 3);
        var loaded = fresh.Model.Load(zip, out _);
        var output = loaded.Transform(Images28(fresh));
        Assert.Null(output.Schema.GetColumnOrNull("Image.vae-pixels")); // temporaries dropped
        var actual = fresh.Data.CreateEnumerable<FeaturesRow>(output, false).Select(r => r.Features).ToArray();
        Assert.Equal(expected.Length, actual.Length);
        for (int r = 0; r < expected.Length; r++)
            DirectOrt.AssertClose(expected[r], actual[r], 1e-5, $"features row {r}");
    }

    private sealed class FeaturesRow
    {
        public float[] Features { get; set; } = [];
    }

    [Fact]
    public void Saved_foreign_encoder_featurizer_round_trips()
    {
        using var temp = new TempModels();
        string zip = temp.Path("moments.zip");
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, Start, 10);
        var options = new VaeFeaturizerOptions { InputColumnName = "Pixels", LogVarColumnName = "LogVar", KlColumnName = "Kl" };
        List<FeatureRow> expected;
        using (var model = VaeModel.Load(TestData.ForeignMoments, VaeOutputMapping.Moments("latent_dist") with { ImageShape = (1, 28, 28) }))
        {
            using var transformer = ml.Transforms.VaeFeaturize(options, model).Fit(data);
            expected = ml.Data.CreateEnumerable<FeatureRow>(transformer.Transform(data), false, ignoreMissingColumns: true).ToList();
            ml.Model.Save(transformer, data.Schema, zip);
        }
        var loaded = new MLContext(seed: 2).Model.Load(zip, out _);
        var actual = ml.Data.CreateEnumerable<LoadedRow>(loaded.Transform(data), false, ignoreMissingColumns: true).ToList();
        for (int r = 0; r < expected.Count; r++)
        {
            DirectOrt.AssertClose(expected[r].Mu, actual[r].Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected[r].Sigma, actual[r].Sigma, 1e-5, $"sigma row {r}");
            DirectOrt.AssertClose(expected[r].LogVar, actual[r].LogVar, 1e-5, $"logvar row {r}");
            DirectOrt.AssertClose([expected[r].Kl], actual[r].Kl, 1e-5, $"kl row {r}");
        }
        using var fast = VaeFeaturizerTransformer.LoadFast(new MLContext(), zip);
        Assert.Equal("latent_dist", fast.Model.Mapping!.MomentsOutput);
    }

    [Fact]
    public void LoadFast_on_a_file_without_a_featurizer_says_so()
    {
        using var temp = new TempModels();
        var ml = new MLContext(seed: 1);
        var data = Rows.Pixels(ml, 0, 3);
        string zip = temp.Path("plain.zip");
        ml.Model.Save(ml.Transforms.Concatenate("F", "Pixels").Fit(data), data.Schema, zip);
        var error = Assert.Throws<InvalidDataException>(() => VaeFeaturizerTransformer.LoadFast(ml, zip));
        Assert.Contains(zip, error.Message);
        Assert.Throws<FileNotFoundException>(() => VaeFeaturizerTransformer.LoadFast(ml, temp.Path("missing.zip")));
    }
}

public sealed class SaveLoadInvalidPixelTests
{
    private sealed class Loaded
    {
        public float[] Mu { get; set; } = [];
        public float[] Error { get; set; } = [];
        public float[] Divergence { get; set; } = [];
        public float[] Kl { get; set; } = [];
        public float[] Reconstruction { get; set; } = [];
    }

    [Fact]
    public void Saved_model_scores_NaN_rows_as_maximal_error_like_the_transformer()
    {
        using var temp = new TempModels();
        string zip = temp.Path("maximal.zip");
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(100, 4).Select(p => (float[])p.Clone()).ToArray();
        images[2][300] = float.NaN;
        images[3][0] = float.NegativeInfinity;
        var data = ml.Data.LoadFromEnumerable(images.Select(p => new PixelRow { Pixels = p }).ToList());
        var options = Rows.AllColumns();
        options.InvalidPixelHandling = InvalidPixelHandling.MaximalError;
        List<FeatureRow> expected;
        using (var model = VaeModel.Load(TestData.ContractVae))
        using (var transformer = ml.Transforms.VaeFeaturize(options, model).Fit(data))
        {
            expected = Rows.Read<FeatureRow>(ml, transformer.Transform(data));
            ml.Model.Save(transformer, data.Schema, zip);
        }
        var loaded = new MLContext(seed: 2).Model.Load(zip, out _);
        var actual = ml.Data.CreateEnumerable<Loaded>(loaded.Transform(data), false).ToList();
        for (int r = 0; r < 4; r++)
        {
            Assert.Equal(expected[r].Error, actual[r].Error[0], 3);
            Assert.Equal(expected[r].Kl, actual[r].Kl[0], 3);
            for (int j = 0; j < 8; j++)
                Assert.Equal(float.IsNaN(expected[r].Mu[j]), float.IsNaN(actual[r].Mu[j]));
            Assert.Equal(float.IsNaN(expected[r].Reconstruction[0]), float.IsNaN(actual[r].Reconstruction[0]));
        }
        Assert.Equal(float.MaxValue, actual[2].Error[0]);
        Assert.Equal(float.MaxValue, actual[2].Divergence[0]);
        Assert.Equal(expected[1].Divergence, actual[1].Divergence[0], 2);
        Assert.Equal(float.MaxValue, actual[3].Kl[0]);
        Assert.All(actual[2].Reconstruction, v => Assert.True(float.IsNaN(v)));
        DirectOrt.AssertClose(expected[0].Mu, actual[0].Mu, 1e-5, "valid row mu");
    }
}
