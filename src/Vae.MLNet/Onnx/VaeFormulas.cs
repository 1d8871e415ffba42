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

    /// <summary>
    /// The decoder's mean in pixel space: sigmoid of the logits (Bernoulli), the output itself (Gaussian,
    /// Laplace), or for the discretized logistic the mean of the logistic censored to [0, 1] (see
    /// <see cref="LogisticMean"/>). <paramref name="scales"/> (one shared or one per channel of the
    /// <paramref name="pixelCount"/> pixels) are needed by the logistic only.
    /// </summary>
    public static string PixelMean(OnnxGraphBuilder b, string decoderOutput, VaeLikelihood likelihood, IReadOnlyList<double>? scales, int pixelCount, string output) =>
        likelihood switch
        {
            VaeLikelihood.Bernoulli => b.AddNode("Sigmoid", [decoderOutput], output),
            VaeLikelihood.DiscretizedLogistic => LogisticMean(b, decoderOutput, CheckedScales(scales, likelihood), pixelCount, output),
            _ => b.AddNode("Identity", [decoderOutput], output),
        };

    /// <summary>
    /// The decoder output a pixel mean came from, so the error map can be computed from a model's
    /// <c>reconstruction</c> by the same terms as the error: for Bernoulli the logit log p − log(1 − p) of p
    /// clamped to [<see cref="MinProbability"/>, 1 − <see cref="MinProbability"/>]; for Gaussian and Laplace the
    /// mean itself; for the discretized logistic the location μ of the censored mean g (clamped alike), in
    /// closed form μ = g + s·(log(1 − e^(−g/s)) − log(1 − e^(−(1 − g)/s))).
    /// </summary>
    public static string DecoderOutputFromMean(OnnxGraphBuilder b, string pixelMean, VaeLikelihood likelihood, IReadOnlyList<double>? scales, int pixelCount)
    {
        if (likelihood is VaeLikelihood.Gaussian or VaeLikelihood.Laplace)
            return pixelMean;
        // Max/Min rather than Clip, whose bounds moved from attributes to inputs at opset 11.
        string p = b.AddNode("Max", [b.AddNode("Min", [pixelMean, b.AddScalar("p_max", 1f - MinProbability)], "p_capped"), b.AddScalar("p_min", MinProbability)], "p_clamped");
        string oneMinusP = b.AddNode("Sub", [b.AddScalar("one", 1f), p], "one_minus_p");
        if (likelihood == VaeLikelihood.Bernoulli)
            return b.AddNode("Sub", [b.AddNode("Log", [p], "log_p"), b.AddNode("Log", [oneMinusP], "log_one_minus_p")], "logits_from_mean");

        double[] s = CheckedScales(scales, likelihood);
        var view = new ChannelView(b, s.Length, pixelCount);
        string g = view.Of(p), gUpper = view.Of(oneMinusP);
        string inverseScale = view.Constant("inverse_scale", s.Select(v => 1 / v));
        string lower = LogOneMinusExpNeg(b, b.AddNode("Mul", [g, inverseScale], "mean_over_scale"));
        string upper = LogOneMinusExpNeg(b, b.AddNode("Mul", [gUpper, inverseScale], "one_minus_mean_over_scale"));
        string shift = b.AddNode("Mul", [b.AddNode("Sub", [lower, upper], "location_shift_over_scale"), view.Constant("scale", s)], "location_shift");
        return view.Restore(b.AddNode("Add", [g, shift], "location_from_mean"), pixelMean, "location_from_mean_restored");
    }

    /// <summary>
    /// The per-pixel terms of −log p(x | decoder output), same shape as the image: Bernoulli
    /// softplus(l) − x·l (written stably), Gaussian ½((x − x̂)/σ_c)² + log σ_c + ½·log 2π, Laplace
    /// |x − x̂|/b_c + log(2b_c), discretized logistic as in <see cref="LogisticTerms"/>.
    /// </summary>
    public static string ReconstructionErrorTerms(OnnxGraphBuilder b, string image, string decoderOutput, VaeLikelihood likelihood, IReadOnlyList<double>? scales, int pixelCount)
    {
        if (likelihood == VaeLikelihood.Bernoulli)
            return BernoulliTerms(b, image, decoderOutput);
        double[] s = CheckedScales(scales, likelihood);
        if (likelihood == VaeLikelihood.Gaussian && s.Length == 1)
        {
            // One σ: the v1 graph, node for node.
            double sigma = s[0];
            string scaled = b.AddNode("Mul", [Residual2(b, image, decoderOutput), b.AddScalar("half_inverse_variance", (float)(0.5 / (sigma * sigma)))], "error_terms_scaled");
            return b.AddNode("Add", [scaled, b.AddScalar("gaussian_normalizer_pixel", (float)ReconstructionFloor.GaussianNormalizer(sigma, 1))], "error_terms");
        }
        var view = new ChannelView(b, s.Length, pixelCount);
        string x = view.Of(image), mean = view.Of(decoderOutput);
        string terms = likelihood switch
        {
            VaeLikelihood.Gaussian => b.AddNode("Add", [
                b.AddNode("Mul", [Residual2(b, x, mean), view.Constant("half_inverse_variance", s.Select(v => 0.5 / (v * v)))], "error_terms_scaled"),
                view.Constant("gaussian_normalizer_pixel", s.Select(v => ReconstructionFloor.GaussianNormalizer(v, 1)))], "error_terms"),
            VaeLikelihood.Laplace => b.AddNode("Add", [
                b.AddNode("Mul", [AbsoluteResidual(b, x, mean), view.Constant("inverse_scale", s.Select(v => 1 / v))], "error_terms_scaled"),
                view.Constant("laplace_normalizer_pixel", s.Select(v => Math.Log(2 * v)))], "error_terms"),
            _ => LogisticTerms(b, x, mean, s, view),
        };
        return view.Restore(terms, image, "error_terms_restored");
    }

    /// <summary>
    /// −log p(x | decoder output) summed over the <paramref name="pixelCount"/> pixels of each image, [N].
    /// Gaussian: Σ(x − x̂)²·(½/σ_c²) + Σ_c HW·(log σ_c + ½ log 2π); Laplace: Σ|x − x̂|/b_c + Σ_c HW·log(2b_c), the
    /// constants in double; discretized logistic: the sum of <see cref="LogisticTerms"/>.
    /// </summary>
    public static string ReconstructionError(OnnxGraphBuilder b, string image, string decoderOutput, VaeLikelihood likelihood, IReadOnlyList<double>? scales,
        int pixelCount, string output = "reconstruction_error")
    {
        if (likelihood == VaeLikelihood.Bernoulli)
            return RowSum(b, Flatten(b, BernoulliTerms(b, image, decoderOutput), "error_flat"), output);
        double[] s = CheckedScales(scales, likelihood);
        if (likelihood == VaeLikelihood.Gaussian && s.Length == 1)
        {
            // One σ: the v1 graph, node for node.
            double sigma = s[0];
            string squaredSum = RowSum(b, Flatten(b, Residual2(b, image, decoderOutput), "error_flat"), "squared_error_sum");
            string scaledSum = b.AddNode("Mul", [squaredSum, b.AddScalar("half_inverse_variance", (float)(0.5 / (sigma * sigma)))], "error_scaled");
            float gaussianNormalizer = (float)ReconstructionFloor.GaussianNormalizer(sigma, pixelCount);
            return b.AddNode("Add", [scaledSum, b.AddScalar("gaussian_normalizer", gaussianNormalizer)], output);
        }
        var view = new ChannelView(b, s.Length, pixelCount);
        string x = view.Of(image), mean = view.Of(decoderOutput);
        if (likelihood == VaeLikelihood.DiscretizedLogistic)
            return RowSum(b, Flatten(b, LogisticTerms(b, x, mean, s, view), "error_flat"), output);
        string scaled = likelihood == VaeLikelihood.Gaussian
            ? b.AddNode("Mul", [Residual2(b, x, mean), view.Constant("half_inverse_variance", s.Select(v => 0.5 / (v * v)))], "error_scaled_terms")
            : b.AddNode("Mul", [AbsoluteResidual(b, x, mean), view.Constant("inverse_scale", s.Select(v => 1 / v))], "error_scaled_terms");
        string sum = RowSum(b, Flatten(b, scaled, "error_flat"), "scaled_error_sum");
        float normalizer = (float)ReconstructionFloor.Normalizer(likelihood, s, pixelCount);
        return b.AddNode("Add", [sum, b.AddScalar(likelihood == VaeLikelihood.Gaussian ? "gaussian_normalizer" : "laplace_normalizer", normalizer)], output);
    }

    /// <summary>
    /// The reconstruction divergence, [N]: the error minus its floor (see <see cref="ReconstructionFloor"/>),
    /// at least 0. Bernoulli floor Σ H(xᵢ), the binary entropy of the pixels the model saw; Gaussian and Laplace
    /// floor a constant; discretized logistic floor −log tanh(Δ/4s_c) for each pixel strictly inside (0, 1).
    /// </summary>
    public static string Divergence(OnnxGraphBuilder b, string error, string image, ReconstructionFloor floor, string output = "reconstruction_divergence")
    {
        string floorValue = floor.Likelihood switch
        {
            VaeLikelihood.Bernoulli => RowSum(b, BinaryEntropy(b, Flatten(b, image, "image_flat")), "entropy_sum"),
            VaeLikelihood.DiscretizedLogistic => LogisticFloor(b, image, floor),
            _ => b.AddScalar(floor.Likelihood == VaeLikelihood.Gaussian ? "gaussian_floor" : "laplace_floor", (float)floor.Constant),
        };
        return b.AddNode("Max", [b.AddNode("Sub", [error, floorValue], "divergence_raw"), b.AddScalar("zero", 0f)], output);
    }

    /// <summary>
    /// −log P(x | μ, s) of the discretized logistic per pixel, on the channel view of x and μ. With
    /// Δ = 1/255, a = (x − μ + Δ/2)/s and c = (x − μ − Δ/2)/s, the bin's mass is σ(a) − σ(c) inside (0, 1),
    /// σ(a) for x = 0 and 1 − σ(c) for x = 1. Since σ(a) − σ(c) = σ(a)·σ(−c)·(1 − e^(−(a − c))) and a − c = Δ/s,
    /// −log P = [x &lt; 1]·softplus(−a) + [x &gt; 0]·softplus(c) + [0 &lt; x &lt; 1]·K_c, K_c = −log(1 − e^(−Δ/s_c)):
    /// exact, and finite for any μ (no difference of two sigmoids is ever formed). Pixels count as 0 below Δ/2
    /// and as 1 above 1 − Δ/2.
    /// </summary>
    private static string LogisticTerms(OnnxGraphBuilder b, string x, string mu, double[] s, ChannelView view)
    {
        double half = ReconstructionFloor.LogisticBinWidth / 2;
        string inverseScale = view.Constant("inverse_scale", s.Select(v => 1 / v));
        string difference = b.AddNode("Sub", [x, mu], "logistic_difference");
        string a = b.AddNode("Mul", [b.AddNode("Add", [difference, b.AddScalar("half_bin", (float)half)], "logistic_upper_edge"), inverseScale], "logistic_a");
        string c = b.AddNode("Mul", [b.AddNode("Sub", [difference, b.AddScalar("half_bin", (float)half)], "logistic_lower_edge"), inverseScale], "logistic_c");
        var (belowTop, aboveBottom) = LogisticMasks(b, x);
        string lowerTail = b.AddNode("Mul", [belowTop, Softplus(b, b.AddNode("Neg", [a], "logistic_neg_a"), "logistic_log_cdf_upper")], "logistic_lower_term");
        string upperTail = b.AddNode("Mul", [aboveBottom, Softplus(b, c, "logistic_log_sf_lower")], "logistic_upper_term");
        string interior = b.AddNode("Mul", [b.AddNode("Mul", [belowTop, aboveBottom], "logistic_interior"), view.Constant("logistic_bin_constant", s.Select(LogisticBinConstant))], "logistic_interior_term");
        return b.AddNode("Add", [b.AddNode("Add", [lowerTail, upperTail], "logistic_tails"), interior], "logistic_terms");
    }

    /// <summary>Σ over the pixels strictly inside (0, 1) of −log tanh(Δ/4s_c), [N].</summary>
    private static string LogisticFloor(OnnxGraphBuilder b, string image, ReconstructionFloor floor)
    {
        var view = new ChannelView(b, floor.Scales.Length, floor.PixelCount);
        var (belowTop, aboveBottom) = LogisticMasks(b, view.Of(image));
        string interior = b.AddNode("Mul", [belowTop, aboveBottom], "logistic_interior");
        string perPixel = b.AddNode("Mul", [interior, view.Constant("logistic_interior_floor", floor.Scales.Select(ReconstructionFloor.LogisticInteriorFloor))], "logistic_floor_terms");
        return RowSum(b, Flatten(b, perPixel, "logistic_floor_flat"), "logistic_floor");
    }

    // [x < 1 − Δ/2] and [x > Δ/2] as 0/1 floats: the pixel is not the top level, not the bottom level.
    private static (string BelowTop, string AboveBottom) LogisticMasks(OnnxGraphBuilder b, string x)
    {
        double half = ReconstructionFloor.LogisticBinWidth / 2;
        var toFloat = OnnxAttribute.Int("to", (long)Proto.TensorProto.Types.DataType.Float);
        string belowTop = b.AddNode("Cast", [b.AddNode("Less", [x, b.AddScalar("top_threshold", (float)(1 - half))], "below_top")], "below_top_mask", toFloat);
        string aboveBottom = b.AddNode("Cast", [b.AddNode("Greater", [x, b.AddScalar("bottom_threshold", (float)half)], "above_bottom")], "above_bottom_mask", toFloat);
        return (belowTop, aboveBottom);
    }

    /// <summary>K = −log(1 − e^(−Δ/s)), in double: 1 − e^(−y) = 2·e^(−y/2)·sinh(y/2) keeps the digits for small y.</summary>
    internal static double LogisticBinConstant(double s)
    {
        double y = ReconstructionFloor.LogisticBinWidth / s;
        return y > 40 ? Math.Exp(-y) : -(Math.Log(2 * Math.Sinh(y / 2)) - y / 2);
    }

    /// <summary>
    /// The mean of clamp(Y, 0, 1) for Y ~ Logistic(μ, s): ∫₀¹ P(Y &gt; t) dt = s·(softplus(μ/s) − softplus((μ − 1)/s)),
    /// written as μ + s·softplus(−μ/s) − s·softplus((μ − 1)/s) so that it keeps μ's digits inside (0, 1). The
    /// discretized logistic's own mean is the midpoint rule of the same integral over its 255 bins, within
    /// 0.004·(Δ/s)² of it.
    /// </summary>
    private static string LogisticMean(OnnxGraphBuilder b, string mu, double[] s, int pixelCount, string output)
    {
        var view = new ChannelView(b, s.Length, pixelCount);
        string location = view.Of(mu);
        string inverseScale = view.Constant("inverse_scale", s.Select(v => 1 / v));
        string scale = view.Constant("scale", s);
        string below = Softplus(b, b.AddNode("Neg", [b.AddNode("Mul", [location, inverseScale], "location_over_scale")], "neg_location_over_scale"), "mass_below_zero");
        string above = Softplus(b, b.AddNode("Mul", [b.AddNode("Sub", [location, b.AddScalar("one", 1f)], "location_minus_one"), inverseScale], "location_above_one"), "mass_above_one");
        string shift = b.AddNode("Mul", [b.AddNode("Sub", [below, above], "censoring_over_scale"), scale], "censoring_shift");
        string mean = b.AddNode("Add", [location, shift], view.IsIdentity ? output : "censored_mean");
        return view.IsIdentity ? mean : view.Restore(mean, mu, output);
    }

    // softplus(y) = max(y, 0) + log(1 + e^(−|y|)): no overflow for large |y|.
    private static string Softplus(OnnxGraphBuilder b, string y, string name)
    {
        string positivePart = b.AddNode("Relu", [y], name + "_relu");
        string expNegAbs = b.AddNode("Exp", [b.AddNode("Neg", [b.AddNode("Abs", [y], name + "_abs")], name + "_neg_abs")], name + "_exp_neg_abs");
        return b.AddNode("Add", [positivePart, b.AddNode("Log", [b.AddNode("Add", [expNegAbs, b.AddScalar("one", 1f)], name + "_one_plus_exp")], name + "_log")], name);
    }

    // log(1 − e^(−y)) for y > 0 (y = 0 only at the clamped ends, where it is log of a tiny positive number).
    private static string LogOneMinusExpNeg(OnnxGraphBuilder b, string y) =>
        b.AddNode("Log", [b.AddNode("Sub", [b.AddScalar("one", 1f), b.AddNode("Exp", [b.AddNode("Neg", [y], "neg_y")], "exp_neg_y")], "one_minus_exp_neg_y")], "log_one_minus_exp_neg_y");

    /// <summary>
    /// Per-channel constants against [N, C, H, W] (or [N, C·H·W]) tensors: with one scale the tensors stay as
    /// they are and a constant is a scalar; with C scales a tensor is viewed as [N, C, H·W] and a constant is
    /// [C, 1], so each channel meets its own value; <see cref="Restore"/> gives a result the original shape back.
    /// </summary>
    private sealed class ChannelView
    {
        private readonly OnnxGraphBuilder _b;
        private readonly int _channels;
        private readonly int _pixelCount;

        public ChannelView(OnnxGraphBuilder b, int channels, int pixelCount)
        {
            if (channels > 1 && (pixelCount <= 0 || pixelCount % channels != 0))
                throw new ArgumentException($"{channels} per-channel scales need a pixel count that is a positive multiple of {channels}, got {pixelCount}.", nameof(pixelCount));
            (_b, _channels, _pixelCount) = (b, channels, pixelCount);
        }

        public bool IsIdentity => _channels == 1;

        public string Of(string tensor) => IsIdentity ? tensor
            : _b.AddNode("Reshape", [tensor, _b.AddInitializer("channel_view_shape", new long[] { -1, _channels, _pixelCount / _channels }, 3)], tensor + "_by_channel");

        public string Constant(string name, IEnumerable<double> values)
        {
            float[] data = values.Select(v => (float)v).ToArray();
            return IsIdentity ? _b.AddScalar(name, data[0]) : _b.AddInitializer(name, data, _channels, 1);
        }

        public string Restore(string tensor, string shapeOf, string output) => IsIdentity ? tensor
            : _b.AddNode("Reshape", [tensor, _b.AddNode("Shape", [shapeOf], shapeOf + "_shape")], output);
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

    private static string AbsoluteResidual(OnnxGraphBuilder b, string image, string mean) =>
        b.AddNode("Abs", [b.AddNode("Sub", [image, mean], "residual")], "residual_absolute");

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

    private static double[] CheckedScales(IReadOnlyList<double>? scales, VaeLikelihood likelihood) =>
        scales is { Count: > 0 } && scales.All(v => v is > 0 and < double.PositiveInfinity)
            ? scales.ToArray()
            : throw new ArgumentException(
                $"A {likelihood} likelihood needs one scale or one per channel, each a finite number > 0; got " +
                (scales is null ? "null" : $"[{string.Join(", ", scales.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))}]") + ".",
                nameof(scales));
}
