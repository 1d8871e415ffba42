using Microsoft.ML.OnnxRuntime;
using Vae.MLNet;
using Vae.MLNet.Onnx;

namespace Vae.MLNet.Tests.Onnx;

/// <summary>
/// The ONNX nodes of the colour likelihoods (<see cref="VaeFormulas"/>) run by ONNX Runtime on two images of
/// 2 channels × 2 pixels, against the formulas computed by hand in double — the logistic straight from its
/// definition, P = F(x + Δ/2) − F(x − Δ/2) with the tails at 0 and 1, not from the stable rewriting the nodes use.
/// </summary>
public sealed class LikelihoodFormulaTests
{
    private const double Delta = 1.0 / 255;
    private static readonly long[] Shape = [2, 2, 1, 2];
    private const int PixelCount = 4;

    // Image 0 holds a black pixel, a white one and two gray levels of the 8-bit grid; image 1 only gray levels.
    private static readonly float[] X = [0f, (float)(102 / 255.0), 1f, (float)(204 / 255.0), (float)(51 / 255.0), (float)(153 / 255.0), (float)(17 / 255.0), (float)(250 / 255.0)];
    private static readonly float[] Decoded = [0.1f, 0.35f, 0.9f, 0.82f, 0.3f, 0.6f, -0.2f, 1.3f];
    private static readonly double[] Scales = [0.05, 0.2];

    private static int Channel(int index) => index / 2 % 2;

    private static double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));

    private static double HandTerm(VaeLikelihood likelihood, double x, double y, double s) => likelihood switch
    {
        VaeLikelihood.Gaussian => 0.5 * Math.Pow((x - y) / s, 2) + Math.Log(s) + 0.5 * Math.Log(2 * Math.PI),
        VaeLikelihood.Laplace => Math.Abs(x - y) / s + Math.Log(2 * s),
        VaeLikelihood.DiscretizedLogistic => -Math.Log(
            x == 0 ? Sigmoid((x - y + Delta / 2) / s)
            : x == 1 ? 1 - Sigmoid((x - y - Delta / 2) / s)
            : Sigmoid((x - y + Delta / 2) / s) - Sigmoid((x - y - Delta / 2) / s)),
        _ => throw new ArgumentOutOfRangeException(nameof(likelihood)),
    };

    private static double[] HandTerms(VaeLikelihood likelihood, float[] x, float[] y, double[] scales) =>
        x.Select((v, i) => HandTerm(likelihood, v, y[i], scales[scales.Length == 1 ? 0 : Channel(i)])).ToArray();

    /// <summary>Builds a graph over inputs x and y ([2, 2, 1, 2]) with the outputs <paramref name="build"/> returns, and runs it.</summary>
    private static float[][] Run(Func<OnnxGraphBuilder, string, string, string[]> build, float[] x, float[] y)
    {
        var b = new OnnxGraphBuilder("likelihood_test");
        string image = b.AddInput("x", Shape.Select(d => (long?)d).ToArray());
        string decoded = b.AddInput("y", Shape.Select(d => (long?)d).ToArray());
        string[] results = build(b, image, decoded);
        var names = new string[results.Length];
        for (int i = 0; i < results.Length; i++)
        {
            names[i] = $"out{i}";
            b.AddOutput(names[i]);
            b.AddNode("Identity", [results[i]], names[i]);
        }
        var bytes = Google.Protobuf.MessageExtensions.ToByteArray(b.Build("test", "1"));
        using var session = new InferenceSession(bytes);
        using var xValue = OrtValue.CreateTensorValueFromMemory(x, Shape);
        using var yValue = OrtValue.CreateTensorValueFromMemory(y, Shape);
        using var outputs = session.Run(new RunOptions(), ["x", "y"], [xValue, yValue], names);
        return outputs.Select(o => o.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    public static TheoryData<VaeLikelihood> ScaledLikelihoods() => new() { VaeLikelihood.Gaussian, VaeLikelihood.Laplace, VaeLikelihood.DiscretizedLogistic };

    [Theory]
    [MemberData(nameof(ScaledLikelihoods))]
    public void Error_and_its_per_pixel_terms_match_the_formula_by_hand(VaeLikelihood likelihood)
    {
        var outputs = Run((b, x, y) =>
        [
            VaeFormulas.ReconstructionError(b, x, y, likelihood, Scales, PixelCount),
            VaeFormulas.ReconstructionErrorTerms(b, x, y, likelihood, Scales, PixelCount),
        ], X, Decoded);
        double[] hand = HandTerms(likelihood, X, Decoded, Scales);

        Assert.Equal(8, outputs[1].Length);
        for (int i = 0; i < 8; i++)
            Assert.True(Math.Abs(hand[i] - outputs[1][i]) <= 2e-5 * Math.Max(1, Math.Abs(hand[i])), $"{likelihood} pixel {i}: by hand {hand[i]}, ONNX {outputs[1][i]}");
        for (int n = 0; n < 2; n++)
        {
            double expected = hand.Skip(4 * n).Take(4).Sum();
            Assert.True(Math.Abs(expected - outputs[0][n]) <= 2e-5 * Math.Max(1, Math.Abs(expected)), $"{likelihood} image {n}: by hand {expected}, ONNX {outputs[0][n]}");
        }
        // The channels really have their own scale: with the scales swapped every image's error changes.
        var swapped = Run((b, x, y) => [VaeFormulas.ReconstructionError(b, x, y, likelihood, [Scales[1], Scales[0]], PixelCount)], X, Decoded);
        Assert.True(Math.Abs(swapped[0][0] - outputs[0][0]) > 0.1);
    }

    [Theory]
    [MemberData(nameof(ScaledLikelihoods))]
    public void One_scale_counts_for_every_channel(VaeLikelihood likelihood)
    {
        var shared = Run((b, x, y) => [VaeFormulas.ReconstructionError(b, x, y, likelihood, [0.07], PixelCount)], X, Decoded);
        var perChannel = Run((b, x, y) => [VaeFormulas.ReconstructionError(b, x, y, likelihood, [0.07, 0.07], PixelCount)], X, Decoded);
        double[] hand = HandTerms(likelihood, X, Decoded, [0.07]);
        for (int n = 0; n < 2; n++)
        {
            double expected = hand.Skip(4 * n).Take(4).Sum();
            Assert.Equal(expected, shared[0][n], 1e-3);
            Assert.Equal(shared[0][n], perChannel[0][n], 1e-3);
        }
    }

    [Fact]
    public void Logistic_terms_stay_finite_where_the_naive_difference_of_sigmoids_underflows()
    {
        // s = 0.005 and a location 1 away: σ(±200) is 0 or 1 in float32, so log(σ(a) − σ(c)) would be −∞.
        float[] far = [0f, 0.4f, 1f, 0.6f, 0.5f, 0.5f, 0.5f, 0.5f];
        float[] locations = [1f, -0.6f, 0f, 1.6f, 0.5f, 1.5f, -0.5f, 0.5f];
        var terms = Run((b, x, y) => [VaeFormulas.ReconstructionErrorTerms(b, x, y, VaeLikelihood.DiscretizedLogistic, [0.005], PixelCount)], far, locations)[0];
        for (int i = 0; i < 8; i++)
        {
            // By hand in log space: −log σ(a) = softplus(−a), and for the interior log(σ(a) − σ(c)) = log σ(a) + log σ(−c) + log(1 − e^(−Δ/s)).
            double x = far[i], mu = locations[i], s = 0.005;
            double a = (x - mu + Delta / 2) / s, c = (x - mu - Delta / 2) / s;
            static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
            double expected = x == 0 ? Softplus(-a) : x == 1 ? Softplus(c) : Softplus(-a) + Softplus(c) - Math.Log(1 - Math.Exp(-Delta / s));
            Assert.True(float.IsFinite(terms[i]), $"pixel {i} is {terms[i]}");
            Assert.True(Math.Abs(expected - terms[i]) <= 1e-5 * Math.Max(1, expected), $"pixel {i}: by hand {expected}, ONNX {terms[i]}");
        }
        Assert.True(terms[0] > 150, "a black pixel predicted white by a sharp logistic is very unlikely");
        Assert.Equal(-Math.Log(Math.Tanh(Delta / (4 * 0.005))), terms[4], 1e-5); // at its location: the mass of the bin around it
    }

    [Fact]
    public void Logistic_mean_is_the_censored_mean_close_to_the_discrete_mean_and_inverts_to_the_location()
    {
        double[] scales = [0.02, 0.1];
        var outputs = Run((b, x, y) =>
        {
            string mean = VaeFormulas.PixelMean(b, y, VaeLikelihood.DiscretizedLogistic, scales, PixelCount, "mean");
            return [mean, VaeFormulas.DecoderOutputFromMean(b, mean, VaeLikelihood.DiscretizedLogistic, scales, PixelCount)];
        }, X, Decoded);
        for (int i = 0; i < 8; i++)
        {
            double mu = Decoded[i], s = scales[Channel(i)];
            static double Softplus(double v) => Math.Max(v, 0) + Math.Log(1 + Math.Exp(-Math.Abs(v)));
            double censored = s * (Softplus(mu / s) - Softplus((mu - 1) / s));
            // The 8-bit distribution's own mean: Σ_k (k/255)·P(k) with the tails in levels 0 and 255.
            double discrete = 0;
            for (int k = 1; k <= 255; k++)
            {
                double upper = k == 255 ? 1 : Sigmoid((k * Delta + Delta / 2 - mu) / s);
                discrete += k * Delta * (upper - Sigmoid((k * Delta - Delta / 2 - mu) / s));
            }
            Assert.True(Math.Abs(censored - outputs[0][i]) <= 1e-6, $"pixel {i}: censored mean {censored}, ONNX {outputs[0][i]}");
            Assert.True(Math.Abs(discrete - outputs[0][i]) <= 0.004 * Math.Pow(Delta / s, 2) + 1e-6, $"pixel {i}: discrete mean {discrete}, ONNX {outputs[0][i]}");
            Assert.True(Math.Abs(mu - outputs[1][i]) <= 1e-4, $"pixel {i}: location {mu}, from the mean {outputs[1][i]}");
        }
        Assert.True(outputs[0][6] is > 0 and < 0.02f, "a location below 0 has its mean just above 0");
        Assert.True(outputs[0][7] is > 0.99f and < 1, "a location above 1 has its mean just below 1");
    }

    public static TheoryData<VaeLikelihood> AllLikelihoods() => new() { VaeLikelihood.Bernoulli, VaeLikelihood.Gaussian, VaeLikelihood.Laplace, VaeLikelihood.DiscretizedLogistic };

    [Theory]
    [MemberData(nameof(AllLikelihoods))]
    public void Divergence_of_a_perfect_reconstruction_is_zero_and_otherwise_the_error_above_the_floor(VaeLikelihood likelihood)
    {
        double[] scales = likelihood == VaeLikelihood.Bernoulli ? [] : Scales;
        var floor = ReconstructionFloor.Create(likelihood, scales, PixelCount);
        // The decoder output that minimises each pixel's −log p: x itself (the logit of x for Bernoulli); for the
        // logistic, x inside (0, 1) and a location far beyond the edge for a pixel at 0 or 1.
        float[] perfect = X.Select(x => likelihood switch
        {
            VaeLikelihood.Bernoulli => x == 0 ? -30f : x == 1 ? 30f : (float)Math.Log(x / (1.0 - x)),
            VaeLikelihood.DiscretizedLogistic => x == 0 ? -5f : x == 1 ? 6f : x,
            _ => x,
        }).ToArray();
        string[] Build(OnnxGraphBuilder b, string x, string y)
        {
            string error = VaeFormulas.ReconstructionError(b, x, y, likelihood, likelihood == VaeLikelihood.Bernoulli ? null : scales, PixelCount);
            return [error, VaeFormulas.Divergence(b, error, x, floor)];
        }
        var atOptimum = Run(Build, X, perfect);
        Assert.All(atOptimum[1], d => Assert.True(Math.Abs(d) <= 2e-5 * atOptimum[0].Max(Math.Abs) + 1e-5, $"{likelihood}: divergence {d} of a perfect reconstruction"));

        var elsewhere = Run(Build, X, likelihood == VaeLikelihood.Bernoulli ? Decoded.Select(v => (v - 0.5f) * 4).ToArray() : Decoded);
        for (int n = 0; n < 2; n++)
        {
            Assert.True(elsewhere[1][n] > 0.01, $"{likelihood} image {n}: divergence {elsewhere[1][n]} of an imperfect reconstruction");
            double handFloor = X.Skip(4 * n).Take(4).Select((x, j) =>
            {
                double s = scales.Length == 0 ? 0 : scales[Channel(4 * n + j)];
                return likelihood switch
                {
                    VaeLikelihood.Bernoulli => x is > 0 and < 1 ? -(x * Math.Log(x) + (1 - x) * Math.Log(1 - x)) : 0,
                    VaeLikelihood.Gaussian => Math.Log(s) + 0.5 * Math.Log(2 * Math.PI),
                    VaeLikelihood.Laplace => Math.Log(2 * s),
                    _ => x is > 0 and < 1 ? -Math.Log(Sigmoid(Delta / (2 * s)) - Sigmoid(-Delta / (2 * s))) : 0,
                };
            }).Sum();
            Assert.Equal(elsewhere[0][n] - handFloor, elsewhere[1][n], 1e-3);
        }
    }
}
