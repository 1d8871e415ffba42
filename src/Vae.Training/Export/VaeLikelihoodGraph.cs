using Vae.MLNet;
using Vae.MLNet.Onnx;

namespace Vae.Training.Export;

/// <summary>
/// The probabilistic outputs of the contract as ONNX nodes: σ from log σ², the decoder's pixel mean, the
/// reconstruction error −log p(x|x̂) of <see cref="VaeLikelihood"/> and the closed-form KL to N(0, I).
/// The error follows <see cref="VaeReconstructionError"/> (the TorchSharp side) formula for formula, so
/// training-time quantiles and ONNX scores agree.
/// </summary>
internal static class VaeLikelihoodGraph
{
    /// <summary>σ = exp(½·log σ²).</summary>
    public static string Sigma(OnnxGraphBuilder builder, string logVar, string output)
    {
        string half = builder.AddNode("Mul", [logVar, builder.AddScalar("half", 0.5f)], "half_logvar");
        return builder.AddNode("Exp", [half], output);
    }

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (μ² + σ² − 1 − log σ²), [N].</summary>
    public static string Kl(OnnxGraphBuilder builder, string mu, string logVar, string output)
    {
        string muSquared = builder.AddNode("Mul", [mu, mu], "mu_squared");
        string variance = builder.AddNode("Exp", [logVar], "variance");
        string sum = builder.AddNode("Add", [muSquared, variance], "kl_sum");
        string minusLogVar = builder.AddNode("Sub", [sum, logVar], "kl_minus_logvar");
        string terms = builder.AddNode("Sub", [minusLogVar, builder.AddScalar("one", 1f)], "kl_terms");
        string total = SumOverAxis1(builder, terms, "kl_total");
        return builder.AddNode("Mul", [total, builder.AddScalar("half", 0.5f)], output);
    }

    /// <summary>The decoder's mean in pixel space: sigmoid of the logits (Bernoulli) or the output itself (Gaussian).</summary>
    public static string PixelMean(OnnxGraphBuilder builder, string decoderOutput, VaeLikelihood likelihood, string output) =>
        builder.AddNode(likelihood == VaeLikelihood.Bernoulli ? "Sigmoid" : "Identity", [decoderOutput], output);

    /// <summary>−log p(x | decoder output) summed over the <paramref name="pixelCount"/> pixels of each image, [N].</summary>
    public static string ReconstructionError(OnnxGraphBuilder builder, string image, string decoderOutput, VaeExportInfo info, int pixelCount, string output)
    {
        string perPixel = info.Likelihood == VaeLikelihood.Bernoulli
            ? BernoulliPerPixel(builder, image, decoderOutput)
            : GaussianSquaredError(builder, image, decoderOutput);
        string flat = builder.AddNode("Flatten", [perPixel], "error_flat", OnnxAttribute.Int("axis", 1));
        if (info.Likelihood == VaeLikelihood.Bernoulli)
            return SumOverAxis1(builder, flat, output);

        // Σ ½((x − x̂)/σ)² + log σ + ½ log 2π = (½/σ²)·Σ(x − x̂)² + D·(log σ + ½ log 2π); constants in double.
        double sigma = info.GaussianSigma!.Value;
        string squaredSum = SumOverAxis1(builder, flat, "squared_error_sum");
        string scaled = builder.AddNode("Mul", [squaredSum, builder.AddScalar("half_inverse_variance", (float)(0.5 / (sigma * sigma)))], "error_scaled");
        float normalizer = (float)VaeReconstructionError.GaussianNormalizer(sigma, pixelCount);
        return builder.AddNode("Add", [scaled, builder.AddScalar("gaussian_normalizer", normalizer)], output);
    }

    // Relu(l) − x·l + log(1 + exp(−|l|)): equal to softplus(l) − x·l, without overflow for large |l|.
    private static string BernoulliPerPixel(OnnxGraphBuilder builder, string image, string logits)
    {
        string positivePart = builder.AddNode("Relu", [logits], "logits_relu");
        string xTimesL = builder.AddNode("Mul", [image, logits], "x_times_logits");
        string absolute = builder.AddNode("Abs", [logits], "logits_abs");
        string expNegAbs = builder.AddNode("Exp", [builder.AddNode("Neg", [absolute], "logits_neg_abs")], "exp_neg_abs");
        string logTerm = builder.AddNode("Log", [builder.AddNode("Add", [expNegAbs, builder.AddScalar("one", 1f)], "one_plus_exp")], "log_one_plus_exp");
        string difference = builder.AddNode("Sub", [positivePart, xTimesL], "bce_linear");
        return builder.AddNode("Add", [difference, logTerm], "bce");
    }

    private static string GaussianSquaredError(OnnxGraphBuilder builder, string image, string mean)
    {
        string difference = builder.AddNode("Sub", [image, mean], "residual");
        return builder.AddNode("Mul", [difference, difference], "residual_squared");
    }

    // ReduceSum takes its axes as an int64 input since opset 13.
    private static string SumOverAxis1(OnnxGraphBuilder builder, string input, string output)
    {
        string axes = builder.AddInitializer("axes_1", new long[] { 1 }, 1);
        return builder.AddNode("ReduceSum", [input, axes], output, OnnxAttribute.Int("keepdims", 0));
    }
}
