namespace Vae.MLNet.Onnx;

/// <summary>
/// The VAE's formulas as ONNX nodes — their one home in the ONNX runtime (the TorchSharp home is
/// <c>Vae.Training.Training.VaeLoss</c>). The exporter writes them into <c>vae.onnx</c>; the featurizer's
/// saved chain and the in-process session append them to a model's graph (<see cref="VaeOutputNodes"/>);
/// docs/math.md states each. Every function takes and returns tensor names; a per-image result is [N].
/// </summary>
internal static class VaeFormulas
{
    /// <summary>
    /// Smallest probability the error map feeds into a logit: the largest float below 1 and its mirror keep
    /// log p and log(1 − p) finite for reconstructions that round to exactly 0 or 1.
    /// </summary>
    public const float MinProbability = 5.9604644775390625e-8f;

    /// <summary>Clamp inside the entropy's logarithms: 0·log ε = 0 keeps pure black and white pixels at entropy 0.</summary>
    public const float EntropyEpsilon = 1e-12f;

    /// <summary>σ = exp(½·log σ²).</summary>
    public static string Sigma(OnnxGraphBuilder b, string logVar, string output = "sigma") =>
        b.AddNode("Exp", [b.AddNode("Mul", [logVar, b.AddScalar("half", 0.5f)], "half_logvar")], output);

    /// <summary>log σ² from a foreign encoder's spread output: log σ² itself, 2·(log σ), or 2·log(σ).</summary>
    public static string LogVarFromSpread(OnnxGraphBuilder b, string spread, VaeSpreadKind kind) => kind switch
    {
        VaeSpreadKind.LogVar => spread,
        VaeSpreadKind.LogSigma => b.AddNode("Mul", [spread, b.AddScalar("two", 2f)], "logvar"),
        _ => b.AddNode("Mul", [b.AddNode("Log", [spread], "log_sigma"), b.AddScalar("two", 2f)], "logvar"),
    };

    /// <summary>KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_j (μ² + σ² − 1 − log σ²), [N], from μ and log σ² [N, k].</summary>
    public static string Kl(OnnxGraphBuilder b, string mu, string logVar, string output = "kl")
    {
        string muSquared = b.AddNode("Mul", [mu, mu], "mu_squared");
        string variance = b.AddNode("Exp", [logVar], "variance");
        string sum = b.AddNode("Add", [muSquared, variance], "kl_sum");
        string minusLogVar = b.AddNode("Sub", [sum, logVar], "kl_minus_logvar");
        string terms = b.AddNode("Sub", [minusLogVar, b.AddScalar("one", 1f)], "kl_terms");
        return b.AddNode("Mul", [RowSum(b, terms, "kl_total"), b.AddScalar("half", 0.5f)], output);
    }

    /// <summary>The decoder's mean in pixel space: sigmoid of the logits (Bernoulli) or the output itself (Gaussian).</summary>
    public static string PixelMean(OnnxGraphBuilder b, string decoderOutput, VaeLikelihood likelihood, string output) =>
        b.AddNode(likelihood == VaeLikelihood.Bernoulli ? "Sigmoid" : "Identity", [decoderOutput], output);

    /// <summary>
    /// The decoder output a pixel mean came from: for Bernoulli the logit log p − log(1 − p) of p clamped to
    /// [<see cref="MinProbability"/>, 1 − <see cref="MinProbability"/>]; for Gaussian the mean itself. Lets
    /// the error map be computed from a model's <c>reconstruction</c> by the same terms as the error.
    /// </summary>
    public static string DecoderOutputFromMean(OnnxGraphBuilder b, string pixelMean, VaeLikelihood likelihood)
    {
        if (likelihood == VaeLikelihood.Gaussian)
            return pixelMean;
        // Max/Min rather than Clip, whose bounds moved from attributes to inputs at opset 11.
        string p = b.AddNode("Max", [b.AddNode("Min", [pixelMean, b.AddScalar("p_max", 1f - MinProbability)], "p_capped"), b.AddScalar("p_min", MinProbability)], "p_clamped");
        string oneMinusP = b.AddNode("Sub", [b.AddScalar("one", 1f), p], "one_minus_p");
        return b.AddNode("Sub", [b.AddNode("Log", [p], "log_p"), b.AddNode("Log", [oneMinusP], "log_one_minus_p")], "logits_from_mean");
    }

    /// <summary>
    /// The per-pixel terms of −log p(x | decoder output), same shape as the image: Bernoulli
    /// softplus(l) − x·l (written stably), Gaussian ½((x − x̂)/σ)² + log σ + ½·log 2π.
    /// </summary>
    public static string ReconstructionErrorTerms(OnnxGraphBuilder b, string image, string decoderOutput, VaeLikelihood likelihood, double? gaussianSigma)
    {
        if (likelihood == VaeLikelihood.Bernoulli)
            return BernoulliTerms(b, image, decoderOutput);
        double sigma = CheckedSigma(gaussianSigma);
        string scaled = b.AddNode("Mul", [Residual2(b, image, decoderOutput), b.AddScalar("half_inverse_variance", (float)(0.5 / (sigma * sigma)))], "error_terms_scaled");
        return b.AddNode("Add", [scaled, b.AddScalar("gaussian_normalizer_pixel", (float)ReconstructionFloor.GaussianNormalizer(sigma, 1))], "error_terms");
    }

    /// <summary>
    /// −log p(x | decoder output) summed over the <paramref name="pixelCount"/> pixels of each image, [N].
    /// Gaussian: (½/σ²)·Σ(x − x̂)² + D·(log σ + ½ log 2π), the constants in double.
    /// </summary>
    public static string ReconstructionError(OnnxGraphBuilder b, string image, string decoderOutput, VaeLikelihood likelihood, double? gaussianSigma,
        int pixelCount, string output = "reconstruction_error")
    {
        if (likelihood == VaeLikelihood.Bernoulli)
            return RowSum(b, Flatten(b, BernoulliTerms(b, image, decoderOutput), "error_flat"), output);
        double sigma = CheckedSigma(gaussianSigma);
        string squaredSum = RowSum(b, Flatten(b, Residual2(b, image, decoderOutput), "error_flat"), "squared_error_sum");
        string scaled = b.AddNode("Mul", [squaredSum, b.AddScalar("half_inverse_variance", (float)(0.5 / (sigma * sigma)))], "error_scaled");
        float normalizer = (float)ReconstructionFloor.GaussianNormalizer(sigma, pixelCount);
        return b.AddNode("Add", [scaled, b.AddScalar("gaussian_normalizer", normalizer)], output);
    }

    /// <summary>
    /// The reconstruction divergence, [N]: the error minus its floor (see <see cref="ReconstructionFloor"/>),
    /// at least 0. Bernoulli floor Σ H(xᵢ), the binary entropy of the pixels the model saw; Gaussian floor the
    /// constant D·(log σ + ½ log 2π).
    /// </summary>
    public static string Divergence(OnnxGraphBuilder b, string error, string image, ReconstructionFloor floor, string output = "reconstruction_divergence")
    {
        string floorValue = floor.Likelihood == VaeLikelihood.Gaussian
            ? b.AddScalar("gaussian_floor", (float)floor.Constant)
            : RowSum(b, BinaryEntropy(b, Flatten(b, image, "image_flat")), "entropy_sum");
        return b.AddNode("Max", [b.AddNode("Sub", [error, floorValue], "divergence_raw"), b.AddScalar("zero", 0f)], output);
    }

    /// <summary>H(x) = −(x·log max(x, ε) + (1 − x)·log max(1 − x, ε)) per element.</summary>
    private static string BinaryEntropy(OnnxGraphBuilder b, string x)
    {
        string epsilon = b.AddScalar("entropy_epsilon", EntropyEpsilon);
        string oneMinusX = b.AddNode("Sub", [b.AddScalar("one", 1f), x], "one_minus_x");
        string xLogX = b.AddNode("Mul", [x, b.AddNode("Log", [b.AddNode("Max", [x, epsilon], "x_floored")], "log_x")], "x_log_x");
        string yLogY = b.AddNode("Mul", [oneMinusX, b.AddNode("Log", [b.AddNode("Max", [oneMinusX, epsilon], "y_floored")], "log_y")], "y_log_y");
        return b.AddNode("Neg", [b.AddNode("Add", [xLogX, yLogY], "negative_entropy")], "entropy");
    }

    // Relu(l) − x·l + log(1 + exp(−|l|)): equal to softplus(l) − x·l, without overflow for large |l|.
    private static string BernoulliTerms(OnnxGraphBuilder b, string image, string logits)
    {
        string positivePart = b.AddNode("Relu", [logits], "logits_relu");
        string xTimesL = b.AddNode("Mul", [image, logits], "x_times_logits");
        string absolute = b.AddNode("Abs", [logits], "logits_abs");
        string expNegAbs = b.AddNode("Exp", [b.AddNode("Neg", [absolute], "logits_neg_abs")], "exp_neg_abs");
        string logTerm = b.AddNode("Log", [b.AddNode("Add", [expNegAbs, b.AddScalar("one", 1f)], "one_plus_exp")], "log_one_plus_exp");
        string difference = b.AddNode("Sub", [positivePart, xTimesL], "bce_linear");
        return b.AddNode("Add", [difference, logTerm], "bce");
    }

    private static string Residual2(OnnxGraphBuilder b, string image, string mean)
    {
        string difference = b.AddNode("Sub", [image, mean], "residual");
        return b.AddNode("Mul", [difference, difference], "residual_squared");
    }

    /// <summary>[N, …] → [N, rest].</summary>
    public static string Flatten(OnnxGraphBuilder b, string input, string output) =>
        b.AddNode("Flatten", [input], output, OnnxAttribute.Int("axis", 1));

    /// <summary>Σ over axis 1 of [N, m], giving [N]; ReduceSum takes its axes as an input from opset 13, as an attribute before.</summary>
    public static string RowSum(OnnxGraphBuilder b, string input, string output)
    {
        if (b.Opset >= 13)
            return b.AddNode("ReduceSum", [input, b.AddInitializer("axes_1", new long[] { 1 }, 1)], output, OnnxAttribute.Int("keepdims", 0));
        return b.AddNode("ReduceSum", [input], output, OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0));
    }

    private static double CheckedSigma(double? sigma) => sigma is > 0 and < double.PositiveInfinity
        ? sigma.Value
        : throw new ArgumentException($"A Gaussian likelihood needs a finite sigma > 0, got {sigma?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}.", nameof(sigma));
}
