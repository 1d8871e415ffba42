using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TorchSharp;
using Vae.Cli;
using Vae.MLNet;
using Vae.Training;
using Vae.Training.Data;
using Vae.Training.Models;
using static TorchSharp.torch;

namespace Vae.Benchmarks.Report;

/// <summary>
/// The <c>--likelihoods</c> mode (issue 22, item 4): the same conv VAE trained on the same colour images once per
/// decoder likelihood, compared on the test split on what the four have in common. Every model is also a
/// distribution over 8-bit images once its density is discretized — each bin of width 1/255 takes the density's
/// mass over it, the levels 0 and 1 take the tails — so the test −ELBO of that discretized decoder is a bound on
/// −log P(x) in the same units for all (bits/dim = nats / (D·ln 2)). For the discretized logistic this is its own
/// loss; the Gaussian and Laplace are discretized with their learned scales; a Bernoulli decoder is not a density
/// over pixel values, so it is read as the continuous Bernoulli with the same λ (Loaiza-Ganem and Cunningham 2019)
/// and its density times 1/255 (an approximation, marked as such). Beside it: the continuous-density conversion
/// nats + D·log 255 of each model's own loss, and PSNR of the reconstruction mean (z = μ, the exported model's
/// <c>reconstruction</c>). Training writes the usual figures (samples.png, reconstructions.png) per likelihood.
/// </summary>
/// <remarks>
/// Evaluation code, not product code: the discretized Gaussian and Laplace and the continuous-Bernoulli reading
/// live here only (float64 TorchSharp), for measuring. One z per test image, from a generator seeded per run.
/// </remarks>
internal static class LikelihoodComparison
{
    private const double BinWidth = 1.0 / 255;

    private sealed record Settings(string Images, int Size, int Epochs, int Latent, int[] Hidden, int Dense, int BatchSize, double LearningRate, int Seed,
        int Threads, string Output, int Limit, IReadOnlyList<VaeLikelihood> Likelihoods);

    public static int Run(IReadOnlyList<string> args)
    {
        Settings s;
        try
        {
            s = Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }
        torch.set_num_threads(s.Threads);
        var clock = Stopwatch.StartNew();
        Console.Error.WriteLine($"loading {s.Images} at {s.Size}x{s.Size} RGB…");
        var all = ImageFolderLoader.Load(s.Images, s.Size, s.Size, VaeColorMode.Rgb);
        var split = DataSplit.Random(all, 0.1, s.Seed);
        if (s.Limit > 0) split = split.Limit(s.Limit, Math.Max(1, s.Limit / 9));
        Console.Error.WriteLine($"{split.Train.Count} train / {split.Test.Count} test images, loaded in {clock.Elapsed.TotalSeconds:F0} s");

        var architecture = (VaeArchitecture.Conv(3, s.Size, s.Size, s.Latent, s.Hidden) with { ConvDense = s.Dense }).Validated();
        var rows = new List<Dictionary<string, object?>>();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        foreach (var likelihood in s.Likelihoods)
        {
            string folder = Path.Combine(s.Output, Name(likelihood));
            var options = new TrainOptions
            {
                Epochs = s.Epochs, BatchSize = s.BatchSize, LearningRate = s.LearningRate, Seed = s.Seed, Threads = s.Threads,
                Likelihood = likelihood, LearnGaussianSigmaPerChannel = likelihood == VaeLikelihood.Gaussian, OutputDirectory = folder,
            };
            var runClock = Stopwatch.StartNew();
            using var trainer = new VaeTrainer(architecture, options);
            var outcome = TrainingRun.Run(console, trainer, split, folder, CancellationToken.None);
            double trainSeconds = runClock.Elapsed.TotalSeconds;
            var row = Measure(trainer, outcome.Models!.VaeModelPath, split.Test, s.Seed);
            row["likelihood"] = Name(likelihood);
            row["train_seconds"] = Math.Round(trainSeconds, 1);
            row["folder"] = Path.GetFullPath(folder);
            row["validation_elbo_per_epoch"] = outcome.Result.History.Select(m => m.ValidationTotal).ToArray();
            rows.Add(row);
            Console.Error.WriteLine(JsonSerializer.Serialize(row));
        }

        var report = new Dictionary<string, object?>
        {
            ["data"] = $"{s.Images} at {s.Size}x{s.Size} RGB: {split.Train.Count} train / {split.Test.Count} test (seeded split, seed {s.Seed})",
            ["architecture"] = architecture.ToString(),
            ["training"] = new { epochs = s.Epochs, batch_size = s.BatchSize, learning_rate = s.LearningRate, seed = s.Seed, threads = s.Threads },
            ["pixels_per_image"] = architecture.Channels * s.Size * s.Size,
            ["runs"] = rows,
            ["seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 0),
        };
        Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true }));
        return 0;
    }

    private static Dictionary<string, object?> Measure(VaeTrainer trainer, string vaeModelPath, ImageSet test, int seed)
    {
        var network = trainer.Network;
        var loss = trainer.Loss;
        int d = test.PixelsPerImage;
        bool wasTraining = network.training;
        network.eval();
        double own = 0, discrete = 0, kl = 0;
        using (no_grad())
        using (var generator = new Generator((ulong)seed + 12345, CPU))
        {
            for (int start = 0; start < test.Count; start += 250)
            {
                using var scope = NewDisposeScope();
                int count = Math.Min(250, test.Count - start);
                var images = tensor(test.CopyPixels(start, count), [count, test.Channels, test.Height, test.Width]);
                var (mu, logVar) = network.Encode(images);
                var decoded = network.Decode(VaeLoss.Reparameterize(mu, logVar, generator));
                own += loss.Reconstruction(decoded, images).to(ScalarType.Float64).sum().item<double>();
                discrete -= DiscreteLogProbability(loss, decoded.to(ScalarType.Float64), images.to(ScalarType.Float64)).sum().item<double>();
                kl += VaeLoss.KlPerDimension(mu, logVar).to(ScalarType.Float64).sum().item<double>();
            }
        }
        network.train(wasTraining);

        int n = test.Count;
        double bitsPerNat = 1 / (d * Math.Log(2));
        double mse = ReconstructionMse(vaeModelPath, test, out double medianImagePsnr);
        return new Dictionary<string, object?>
        {
            ["scales"] = loss.Scales.Select(v => Math.Round(v, 5)).ToArray(),
            ["test_reconstruction_own_nats"] = Math.Round(own / n, 2),
            ["test_kl_nats"] = Math.Round(kl / n, 2),
            ["test_elbo_own_nats"] = Math.Round((own + kl) / n, 2),
            // −ELBO of the discretized decoder (continuous Bernoulli·Δ for Bernoulli: approximate).
            ["test_bits_per_dim_discretized"] = Math.Round((discrete + kl) / n * bitsPerNat, 4),
            ["bits_per_dim_discretized_is_exact"] = loss.Likelihood != VaeLikelihood.Bernoulli,
            // Own loss + D·log 255: the usual conversion of a continuous density; not defined for Bernoulli's BCE.
            ["test_bits_per_dim_density_times_bin"] = loss.Likelihood is VaeLikelihood.Gaussian or VaeLikelihood.Laplace
                ? Math.Round(((own + kl) / n + d * Math.Log(255)) * bitsPerNat, 4) : null,
            ["test_mse"] = Math.Round(mse, 6),
            ["test_psnr_db"] = Math.Round(10 * Math.Log10(1 / mse), 2),
            ["test_median_image_psnr_db"] = Math.Round(medianImagePsnr, 2),
        };
    }

    /// <summary>log P(x | decoder output) per image, [N], of the decoder discretized to the 256 levels (see the class remarks).</summary>
    private static Tensor DiscreteLogProbability(VaeLoss loss, Tensor decoded, Tensor x)
    {
        if (loss.Likelihood == VaeLikelihood.Bernoulli)
        {
            // Continuous Bernoulli: log λ^x (1 − λ)^(1 − x) + log C(λ), C(λ) = l / tanh(l / 2) for the logit l (2 at l = 0); times Δ.
            var l = decoded;
            var logBernoulli = -nn.functional.binary_cross_entropy_with_logits(l, x, reduction: nn.Reduction.None);
            var small = l.abs() < 1e-4;
            var normalizer = where(small, 2 * (1 + l.square() / 12), l / (0.5 * l).tanh()).log();
            return (logBernoulli + normalizer + Math.Log(BinWidth)).flatten(1).sum(1);
        }
        var scales = tensor(loss.Scales.ToArray(), ScalarType.Float64).view(-1, 1, 1);
        Func<Tensor, Tensor> logCdf = loss.Likelihood switch
        {
            VaeLikelihood.Gaussian => LogStandardNormalCdf,
            VaeLikelihood.Laplace => z => where(z < 0, Math.Log(0.5) + z, (-0.5 * (-z).exp()).log1p()),
            _ => z => -nn.functional.softplus(-z),
        };
        double half = BinWidth / 2;
        var upper = (x + half - decoded) / scales;
        var lower = (x - half - decoded) / scales;
        // Inside (0, 1): log(F(u) − F(l)) from the tail nearer the bin (symmetric families: 1 − F(z) = F(−z)).
        var lowerSide = logCdf(upper) + LogOneMinusExp(logCdf(lower) - logCdf(upper));
        var upperSide = logCdf(-lower) + LogOneMinusExp(logCdf(-upper) - logCdf(-lower));
        var straddle = (-(logCdf(lower).exp() + logCdf(-upper).exp())).log1p();
        var interior = where(upper <= 0, lowerSide, where(lower >= 0, upperSide, straddle));
        var logP = where(x < half, logCdf(upper), where(x > 1 - half, logCdf(-lower), interior));
        return logP.flatten(1).sum(1);
    }

    // log Φ(z): log(½·erfcx(−z/√2)) − z²/2 below 0 (no underflow far in the tail), log(1 − ½·erfc(z/√2)) above.
    private static Tensor LogStandardNormalCdf(Tensor z) =>
        where(z < 0, (0.5 * special.erfcx(-z / Math.Sqrt(2))).log() - 0.5 * z.square(), (-0.5 * special.erfc(z / Math.Sqrt(2))).log1p());

    // log(1 − e^a) for a < 0.
    private static Tensor LogOneMinusExp(Tensor a) => where(a > -Math.Log(2), (-a.expm1()).log(), (-a.exp()).log1p());

    /// <summary>
    /// Mean squared error of the exported model's reconstruction (z = μ, clamped to [0, 1]) over all test pixels;
    /// also the median per-image PSNR (a mean would be ruled by the nearly black images, whose PSNR is huge).
    /// </summary>
    private static double ReconstructionMse(string vaeModelPath, ImageSet test, out double medianImagePsnr)
    {
        using var model = VaeModel.Load(vaeModelPath);
        int d = test.PixelsPerImage;
        double total = 0;
        var psnr = new List<double>();
        for (int start = 0; start < test.Count; start += 256)
        {
            int count = Math.Min(256, test.Count - start);
            var pixels = test.CopyPixels(start, count).AsMemory();
            var reconstruction = model.Run(pixels, count, VaeOutputKinds.Reconstruction).Reconstruction!;
            for (int i = 0; i < count; i++)
            {
                double sum = 0;
                for (int j = 0; j < d; j++)
                {
                    double r = pixels.Span[i * d + j] - Math.Clamp(reconstruction[i * d + j], 0f, 1f);
                    sum += r * r;
                }
                total += sum;
                psnr.Add(10 * Math.Log10(d / Math.Max(sum, 1e-12)));
            }
        }
        psnr.Sort();
        medianImagePsnr = psnr.Count % 2 == 1 ? psnr[psnr.Count / 2] : (psnr[psnr.Count / 2 - 1] + psnr[psnr.Count / 2]) / 2;
        return total / ((double)test.Count * d);
    }

    private static string Name(VaeLikelihood likelihood) => likelihood switch
    {
        VaeLikelihood.DiscretizedLogistic => "logistic",
        _ => likelihood.ToString().ToLowerInvariant(),
    };

    private static Settings Parse(IReadOnlyList<string> args)
    {
        string? images = null, output = null;
        int size = 32, epochs = 20, latent = 32, dense = 256, batch = 128, seed = 0, threads = 2, limit = 0;
        double lr = 1e-3;
        int[] hidden = [32, 64];
        var likelihoods = new List<VaeLikelihood> { VaeLikelihood.Bernoulli, VaeLikelihood.Gaussian, VaeLikelihood.Laplace, VaeLikelihood.DiscretizedLogistic };
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int NextInt() => int.Parse(Next(), CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--likelihoods": break;
                case "--images": images = Next(); break;
                case "--out": output = Next(); break;
                case "--size": size = NextInt(); break;
                case "--epochs": epochs = NextInt(); break;
                case "--latent": latent = NextInt(); break;
                case "--conv-dense": dense = NextInt(); break;
                case "--batch-size": batch = NextInt(); break;
                case "--seed": seed = NextInt(); break;
                case "--threads": threads = NextInt(); break;
                case "--limit": limit = NextInt(); break;
                case "--lr": lr = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--hidden": hidden = Next().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray(); break;
                case "--only":
                    likelihoods = Next().Split(',').Select(v => Enum.GetValues<VaeLikelihood>().Single(l => Name(l) == v)).ToList();
                    break;
                default: throw new ArgumentException($"--likelihoods: unknown argument '{args[i]}'.");
            }
        }
        if (images is null || output is null)
            throw new ArgumentException("--likelihoods needs --images DIR (class folders of colour images) and --out DIR.");
        return new Settings(images, size, epochs, latent, hidden, dense, batch, lr, seed, threads, output, limit, likelihoods);
    }
}
