using Microsoft.ML;
using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests.Featurizer;

public sealed class ForeignEncoderTests
{
    private sealed class Latent
    {
        public float[] Mu { get; set; } = [];
        public float[] Sigma { get; set; } = [];
        public float[] LogVar { get; set; } = [];
        public float Kl { get; set; }
    }

    private static VaeFeaturizerOptions Options() => new() { InputColumnName = "Pixels", LogVarColumnName = "LogVar", KlColumnName = "Kl" };

    private static void AssertMatches(float[][] mu, float[][] logVar, List<Latent> rows)
    {
        Assert.Equal(mu.Length, rows.Count);
        for (int r = 0; r < rows.Count; r++)
        {
            DirectOrt.AssertClose(mu[r], rows[r].Mu, 1e-5, $"mu row {r}");
            DirectOrt.AssertClose(logVar[r], rows[r].LogVar, 1e-5, $"logvar row {r}");
            DirectOrt.AssertClose(logVar[r].Select(v => MathF.Exp(0.5f * v)).ToArray(), rows[r].Sigma, 1e-5, $"sigma row {r}");
            float kl = (float)(0.5 * mu[r].Zip(logVar[r]).Sum(p => (double)p.First * p.First + Math.Exp(p.Second) - p.Second - 1));
            DirectOrt.AssertClose([kl], [rows[r].Kl], 1e-5, $"kl row {r}");
        }
    }

    [Fact]
    public void Named_mu_and_logvar_outputs_give_the_features_onnx_runtime_computes()
    {
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(8400, 20);
        var data = Rows.Pixels(ml, 8400, 20);
        using var model = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        Assert.False(model.HasReconstruction);
        Assert.Null(model.ContractVersion);
        Assert.Equal((1, 28, 28, 8), (model.Channels, model.Height, model.Width, model.LatentDim));
        var rows = Rows.Read<Latent>(ml, ml.Transforms.VaeFeaturize(Options(), model).Fit(data).Transform(data));
        var direct = DirectOrt.Run(TestData.ForeignNamed, "pixels", images, [1, 28, 28]);
        AssertMatches(direct["z_mean"], direct["z_log_var"], rows);

        // It is the trained encoder of the contract fixture under other names: same μ.
        var contract = DirectOrt.Run(TestData.ContractVae, "image", images, [1, 28, 28]);
        DirectOrt.AssertClose(contract["mu"][3], rows[3].Mu, 1e-5, "foreign vs contract mu");
    }

    [Fact]
    public void Moments_output_is_split_into_mu_then_logvar_and_flattened()
    {
        var ml = new MLContext(seed: 1);
        var images = TestData.Images(8500, 12);
        var data = Rows.Pixels(ml, 8500, 12);
        var mapping = VaeOutputMapping.Moments("latent_dist") with { ImageShape = (1, 28, 28) };
        using var model = VaeModel.Load(TestData.ForeignMoments, mapping);
        Assert.Equal(2 * 7 * 7, model.LatentDim); // k = 2 channels at 7x7
        var rows = Rows.Read<Latent>(ml, ml.Transforms.VaeFeaturize(Options(), model).Fit(data).Transform(data));

        var moments = DirectOrt.Run(TestData.ForeignMoments, "sample", images, [1, 28, 28])["latent_dist"];
        Assert.Equal(4 * 7 * 7, moments[0].Length); // [1, 2k=4, 7, 7]
        var mu = moments.Select(m => m[..98]).ToArray();
        var logVar = moments.Select(m => m[98..]).ToArray();
        AssertMatches(mu, logVar, rows);
    }

    [Fact]
    public void Symbolic_image_size_without_a_stated_shape_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(TestData.ForeignMoments, VaeOutputMapping.Moments("latent_dist")));
        Assert.Contains("symbolic", error.Message);
        Assert.Contains("ImageShape", error.Message);
    }

    [Fact]
    public void Mapping_naming_a_missing_output_or_an_inconsistent_set_is_refused()
    {
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("mu", "z_log_var")));
        Assert.Contains("'mu'", error.Message);
        Assert.Contains("z_mean", error.Message); // lists what the model has

        var both = new VaeOutputMapping { MuOutput = "z_mean", LogVarOutput = "z_log_var", SigmaOutput = "z_log_var" };
        Assert.Throws<ArgumentException>(() => VaeModel.Load(TestData.ForeignNamed, both));
    }

    [Fact]
    public void Sigma_and_log_sigma_mappings_are_converted_to_logvar()
    {
        var images = TestData.Images(8600, 4);
        var pixels = images.SelectMany(i => i).ToArray();
        // Reading z_log_var as "log σ" doubles it; reading it as "σ" takes 2·ln.
        using var logVar = VaeModel.Load(TestData.ForeignNamed, VaeOutputMapping.MuLogVar("z_mean", "z_log_var"));
        using var logSigma = VaeModel.Load(TestData.ForeignNamed, new VaeOutputMapping { MuOutput = "z_mean", LogSigmaOutput = "z_log_var" });
        var a = logVar.Run(pixels, 4, VaeOutputKinds.Latent);
        var b = logSigma.Run(pixels, 4, VaeOutputKinds.Latent);
        DirectOrt.AssertClose(a.LogVar!.Select(v => 2 * v).ToArray(), b.LogVar!, 1e-6, "2·logσ");
        DirectOrt.AssertClose(a.LogVar!.Select(v => MathF.Exp(v)).ToArray(), b.Sigma!, 1e-5, "σ = exp(logσ)");
    }
}
