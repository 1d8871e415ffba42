using Microsoft.ML;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests;

public sealed class VaeModelTests
{
    [Fact]
    public void Load_reads_the_contract_metadata_and_shapes()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        Assert.Equal((1, 28, 28, 784, 8), (model.Channels, model.Height, model.Width, model.PixelCount, model.LatentDim));
        Assert.Equal(VaeLikelihood.Bernoulli, model.Likelihood);
        Assert.Equal(1.0, model.Beta);
        Assert.Equal(1, model.ContractVersion);
        Assert.True(model.HasReconstruction);
        Assert.Equal("mlp:64", model.Architecture);
        Assert.StartsWith("fashion-mnist t10k", model.TrainDataset);
        Assert.Contains("make_fixtures.py", model.Producer);
        Assert.Equal([0.5, 0.9, 0.95, 0.99, 0.999], model.TrainingErrorQuantiles.Keys);
        // Quantiles increase with q.
        Assert.True(model.TrainingErrorQuantiles.Values.Zip(model.TrainingErrorQuantiles.Values.Skip(1)).All(p => p.First < p.Second));
        Assert.Equal(File.ReadAllBytes(TestData.ContractVae), model.GetOnnxBytes());
    }

    [Fact]
    public void Run_on_a_batch_equals_direct_onnx_runtime_row_by_row()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        var images = TestData.Images(9000, 37);
        var batch = model.Run(images.SelectMany(i => i).ToArray(), images.Length);
        var expected = DirectOrt.Run(TestData.ContractVae, "image", images, [1, 28, 28]);
        for (int r = 0; r < images.Length; r++)
        {
            DirectOrt.AssertClose(expected["mu"][r], batch.Mu!.AsSpan(r * 8, 8).ToArray(), 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(expected["kl"][r], [batch.Kl![r]], 1e-5, $"kl row {r}");
            DirectOrt.AssertClose(expected["reconstruction_error"][r], [batch.ReconstructionError![r]], 1e-5, $"error row {r}");
        }
        // KL from the model equals the closed form from its own μ and log σ².
        for (int r = 0; r < images.Length; r++)
        {
            double kl = 0;
            for (int j = r * 8; j < r * 8 + 8; j++)
                kl += 0.5 * (batch.Mu![j] * batch.Mu[j] + Math.Exp(batch.LogVar![j]) - batch.LogVar[j] - 1);
            Assert.Equal(kl, batch.Kl![r], 3);
        }
    }

    [Fact]
    public void Missing_file_throws_FileNotFoundException_naming_the_file()
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "no-such-vae-model.onnx");
        var error = Assert.Throws<FileNotFoundException>(() => VaeModel.Load(path));
        Assert.Contains(path, error.Message);
        Assert.Equal(path, error.FileName);
    }

    [Fact]
    public void Corrupt_file_throws_InvalidDataException_naming_the_file()
    {
        using var temp = new TempModels();
        string garbage = temp.Write("garbage.onnx", [0xFF, 0xFF, 0xFF, 0xFF, 0x12, 0x34]);
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(garbage));
        Assert.Contains(garbage, error.Message);

        // A truncated real model: protobuf may parse a prefix, ONNX Runtime then refuses it.
        byte[] bytes = File.ReadAllBytes(TestData.ContractVae);
        string truncated = temp.Write("truncated.onnx", bytes[..(bytes.Length / 2)]);
        error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(truncated));
        Assert.Contains(truncated, error.Message);
    }

    [Fact]
    public void Model_missing_a_required_output_is_rejected_naming_the_output()
    {
        using var temp = new TempModels();
        string path = temp.Edited("no-kl.onnx", p =>
        {
            var kl = p.Graph.Output.Single(o => o.Name == "kl");
            p.Graph.Output.Remove(kl);
        });
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(path));
        Assert.Contains("'kl'", error.Message);
        Assert.Contains(path, error.Message);
        Assert.Contains("reconstruction_error", error.Message); // the expected list
    }

    [Fact]
    public void Contract_version_from_the_future_is_refused()
    {
        using var temp = new TempModels();
        string future = (VaeContract.Version + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
        string path = temp.Edited("future.onnx", p => TempModels.SetMetadata(p, "vae.contract", future));
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(path));
        Assert.Contains($"version {future}", error.Message);
        Assert.Contains($"version {VaeContract.Version}", error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void A_v2_model_without_its_preprocessing_is_refused_naming_the_key()
    {
        using var temp = new TempModels();
        string path = temp.Edited("v2.onnx", p => TempModels.SetMetadata(p, "vae.contract", "2"));
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(path));
        Assert.Contains(VaeContract.Metadata.Preprocessing, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Theory]
    [InlineData("{\"resize\":\"zoom\",\"resampling\":\"mipmap-linear-shrink/mitchell-enlarge\",\"background\":\"#FFFFFF\",\"color\":\"gray-bt601\",\"orientation\":\"exif\",\"scaling\":\"byte/255\"}", "resize")]
    [InlineData("{\"resize\":\"pad\",\"resampling\":\"lanczos\",\"background\":\"#FFFFFF\",\"color\":\"gray-bt601\",\"orientation\":\"exif\",\"scaling\":\"byte/255\"}", "resampling")]
    [InlineData("{\"resize\":\"pad\",\"resampling\":\"mipmap-linear-shrink/mitchell-enlarge\",\"background\":\"white\",\"color\":\"gray-bt601\",\"orientation\":\"exif\",\"scaling\":\"byte/255\"}", "background")]
    [InlineData("{\"resize\":\"pad\",\"resampling\":\"mipmap-linear-shrink/mitchell-enlarge\",\"background\":\"#FFFFFF\",\"color\":\"rgb\",\"orientation\":\"exif\",\"scaling\":\"byte/255\"}", "3-channel")]
    [InlineData("{\"resize\":\"pad\",\"resampling\":\"mipmap-linear-shrink/mitchell-enlarge\",\"background\":\"#FFFFFF\",\"color\":\"gray-bt601\",\"orientation\":\"exif\",\"scaling\":\"0..1\"}", "scaling")]
    [InlineData("not json", "JSON")]
    public void Bad_preprocessing_metadata_is_refused_naming_key_and_field(string json, string expected)
    {
        using var temp = new TempModels();
        string path = temp.Edited("bad.onnx", p =>
        {
            TempModels.SetMetadata(p, "vae.contract", "2");
            TempModels.SetMetadata(p, VaeContract.Metadata.Preprocessing, json);
        });
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(path));
        Assert.Contains(VaeContract.Metadata.Preprocessing, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void A_v1_model_loads_without_preprocessing()
    {
        using var model = VaeModel.Load(TestData.ContractVae);
        Assert.Equal(1, model.ContractVersion);
        Assert.Null(model.Preprocessing);
    }

    [Fact]
    public void Model_without_contract_metadata_needs_a_mapping()
    {
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(TestData.ForeignNamed));
        Assert.Contains("vae.contract", error.Message);
        Assert.Contains("VaeOutputMapping", error.Message);
    }

    [Fact]
    public void Metadata_contradicting_the_graph_is_rejected()
    {
        using var temp = new TempModels();
        string latent = temp.Edited("k9.onnx", p => TempModels.SetMetadata(p, "vae.latent_dim", "9"));
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(latent));
        Assert.Contains("vae.latent_dim=9", error.Message);
        Assert.Contains("8", error.Message);

        string shape = temp.Edited("shape.onnx", p => TempModels.SetMetadata(p, "vae.image_shape", "1x32x32"));
        error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(shape));
        Assert.Contains("1x32x32", error.Message);
    }

    [Fact]
    public void Divergence_needs_the_likelihood_metadata_and_says_which_key_is_missing()
    {
        using var temp = new TempModels();
        string noLikelihood = temp.Edited("no-likelihood.onnx", p => p.MetadataProps.Remove(p.MetadataProps.Single(e => e.Key == "vae.likelihood")));
        string gaussianNoSigma = temp.Edited("gaussian.onnx", p =>
        {
            TempModels.SetMetadata(p, "vae.likelihood", "gaussian");
            if (p.MetadataProps.FirstOrDefault(e => e.Key == "vae.likelihood.sigma") is { } sigma) p.MetadataProps.Remove(sigma);
        });
        var ml = new Microsoft.ML.MLContext(seed: 1);
        var options = new VaeFeaturizerOptions { InputColumnName = "Pixels", ReconstructionDivergenceColumnName = "Divergence" };

        using (var model = VaeModel.Load(noLikelihood))
        {
            // Every ONNX output still works (All excludes the derived divergence)…
            Assert.NotNull(model.Run(TestData.Images(0, 1)[0], 1).ReconstructionError);
            // …and asking for the divergence fails at once, naming the key.
            var error = Assert.Throws<InvalidDataException>(() => ml.Transforms.VaeFeaturize(options, model));
            Assert.Contains("vae.likelihood", error.Message);
            Assert.Throws<InvalidDataException>(() => model.Run(TestData.Images(0, 1)[0], 1, VaeOutputKinds.ReconstructionDivergence));
        }
        using (var model = VaeModel.Load(gaussianNoSigma))
        {
            var error = Assert.Throws<InvalidDataException>(() => ml.Transforms.VaeFeaturize(options, model));
            Assert.Contains("vae.likelihood.sigma", error.Message);
        }
    }
}
