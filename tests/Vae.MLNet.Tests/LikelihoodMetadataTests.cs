using Vae.MLNet.Tests.Support;

namespace Vae.MLNet.Tests;

/// <summary>
/// The likelihood metadata of the colour likelihoods on the 1×28×28 fixture: scales are read and checked when the
/// model loads, a bad value is refused naming the key, and a missing one only when something needs it.
/// </summary>
public sealed class LikelihoodMetadataTests
{
    private static string Edited(TempModels temp, string likelihood, string? key, string? value) =>
        temp.Edited($"{likelihood}-{Guid.NewGuid():N}.onnx", p =>
        {
            TempModels.SetMetadata(p, "vae.likelihood", likelihood);
            if (key != null && value != null) TempModels.SetMetadata(p, key, value);
        });

    [Theory]
    [InlineData("laplace", "vae.likelihood.scale", "[-0.1]", "-0.1")]
    [InlineData("laplace", "vae.likelihood.scale", "0", "0")]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "NaN", "NaN")]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "[NaN]", "not a JSON array")]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "[0.1,0.2]", "2 value(s) for a model of 1 channel(s)")]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "[]", "0 value(s) for a model of 1 channel(s)")]
    [InlineData("laplace", "vae.likelihood.scale", "wide", "not a number")]
    [InlineData("gaussian", "vae.likelihood.sigma", "-1", "-1")]
    [InlineData("gaussian", "vae.likelihood.sigma", "Infinity", "Infinity")]
    [InlineData("gaussian", "vae.likelihood.sigma", "[0.1,0.2,0.3]", "3 value(s) for a model of 1 channel(s)")]
    public void A_bad_scale_is_refused_at_load_naming_the_key(string likelihood, string key, string value, string detail)
    {
        using var temp = new TempModels();
        string path = Edited(temp, likelihood, key, value);
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(path));
        Assert.Contains(key, error.Message);
        Assert.Contains(detail, error.Message);
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void An_unknown_likelihood_is_refused_listing_the_known_ones()
    {
        using var temp = new TempModels();
        var error = Assert.Throws<InvalidDataException>(() => VaeModel.Load(Edited(temp, "poisson", null, null)));
        Assert.Contains("vae.likelihood='poisson'", error.Message);
        foreach (string name in new[] { "'bernoulli'", "'gaussian'", "'laplace'", "'discretized_logistic'" })
            Assert.Contains(name, error.Message);
    }

    [Theory]
    [InlineData("laplace", "vae.likelihood.scale", "[0.05]", VaeLikelihood.Laplace)]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "[0.001]", VaeLikelihood.DiscretizedLogistic)]
    [InlineData("discretized_logistic", "vae.likelihood.scale", "0.001", VaeLikelihood.DiscretizedLogistic)]
    [InlineData("gaussian", "vae.likelihood.sigma", "0.2", VaeLikelihood.Gaussian)]
    [InlineData("gaussian", "vae.likelihood.sigma", "[0.2]", VaeLikelihood.Gaussian)]
    public void A_good_scale_loads_and_gives_a_divergence_below_the_error(string likelihood, string key, string value, VaeLikelihood expected)
    {
        // The fixture's own error is Bernoulli's; relabelled, its divergence is that error minus the stated
        // likelihood's floor — what is tested here is that the scale is read and used, not the model's fit.
        using var temp = new TempModels();
        using var model = VaeModel.Load(Edited(temp, likelihood, key, value));
        Assert.Equal(expected, model.Likelihood);
        var result = model.Run(TestData.Images(0, 4).SelectMany(i => i).ToArray(), 4,
            VaeOutputKinds.ReconstructionError | VaeOutputKinds.ReconstructionDivergence);
        for (int n = 0; n < 4; n++)
        {
            Assert.True(float.IsFinite(result.ReconstructionDivergence![n]) && result.ReconstructionDivergence[n] > 0, $"row {n}: divergence {result.ReconstructionDivergence[n]}");
            Assert.NotEqual(result.ReconstructionError![n], result.ReconstructionDivergence[n]);
        }
    }

    [Theory]
    [InlineData("laplace", "vae.likelihood.scale")]
    [InlineData("discretized_logistic", "vae.likelihood.scale")]
    public void A_missing_scale_loads_and_fails_where_it_is_needed_naming_the_key(string likelihood, string key)
    {
        using var temp = new TempModels();
        using var model = VaeModel.Load(Edited(temp, likelihood, null, null));
        Assert.NotNull(model.Run(TestData.Images(0, 1)[0], 1).ReconstructionError);
        var error = Assert.Throws<InvalidDataException>(() => model.Run(TestData.Images(0, 1)[0], 1, VaeOutputKinds.ReconstructionDivergence));
        Assert.Contains(key, error.Message);
        error = Assert.Throws<InvalidDataException>(() => ReconstructionErrorMap.Compute(model, TestData.Images(0, 1)[0]));
        Assert.Contains(key, error.Message);
    }
}
