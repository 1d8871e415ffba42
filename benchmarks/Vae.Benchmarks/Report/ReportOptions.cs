using System.Globalization;

namespace Vae.Benchmarks.Report;

/// <summary>Command-line settings of the <c>--report</c> mode.</summary>
internal sealed record ReportOptions
{
    /// <summary>libtorch intra-op threads for training (the brief: 2).</summary>
    public int TorchThreads { get; init; } = 2;
    /// <summary>ONNX Runtime intra-op threads, the same for every featurization path.</summary>
    public int OrtThreads { get; init; } = 1;
    /// <summary>Rows per ONNX Runtime call for ours and the raw ORT baseline.</summary>
    public int BatchSize { get; init; } = 256;
    /// <summary>Optimiser steps (batches of 128) per training repetition.</summary>
    public int TrainSteps { get; init; } = 40;
    /// <summary>Timed repetitions per contender (after one warm-up round).</summary>
    public int Repetitions { get; init; } = 9;
    /// <summary>Single-row predictions per timed latency block.</summary>
    public int LatencyCalls { get; init; } = 1000;
    /// <summary>Run the (slow) quality measurements on the full Fashion-MNIST.</summary>
    public bool Quality { get; init; }
    /// <summary>Epochs for the quality runs.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>KL weight β of the quality runs' VAEs (1 = the ELBO; the −ELBO is always reported with β = 1).</summary>
    public double Beta { get; init; } = 1.0;
    /// <summary>The multiclass trainer of the quality runs, on μ and on raw pixels alike: lbfgs (maximum entropy), fasttree (one-versus-all) or lightgbm (multiclass).</summary>
    public string Classifier { get; init; } = "lbfgs";
    /// <summary>Boosting rounds of lightgbm / fasttree; null = ML.NET's default (100).</summary>
    public int? ClassifierTrees { get; init; }
    /// <summary>Leaves per tree of lightgbm / fasttree; null = ML.NET's default.</summary>
    public int? ClassifierLeaves { get; init; }
    /// <summary>KMeans initialisations per feature column (seeds 1..N); the NMI reported is their mean, with the range beside it.</summary>
    public int KMeansSeeds { get; init; } = 10;
    /// <summary>Neighbours of the UMAP embedding of μ that KMeans also runs on (N2D's 20); 0 (<c>--no-umap</c>) = skip it.</summary>
    public int UmapNeighbors { get; init; } = 20;
    /// <summary>UMAP embeddings (seeds 1..N), each clustered with every KMeans seed.</summary>
    public int UmapSeeds { get; init; } = 3;
    /// <summary>Prior of the quality runs' VAEs: 0 = N(0, I), K ≥ 2 = a learned mixture of K Gaussians.</summary>
    public int PriorComponents { get; init; }
    /// <summary>Latent size of the quality runs' VAEs; null = the architecture's default.</summary>
    public int? Latent { get; init; }
    /// <summary>Also measure the μ of this exported VAE (vae.onnx, e.g. from <c>vae train</c>) in the quality run; null = none.</summary>
    public string? QualityOnnx { get; init; }
    /// <summary>Which architectures the quality run trains (mlp, conv).</summary>
    public IReadOnlyList<string> QualityModels { get; init; } = ["mlp", "conv"];
    /// <summary>Also run the one-class anomaly benchmark.</summary>
    public bool OneClass { get; init; }
    /// <summary>The per-class VAE of the one-class benchmark: mlp or conv, optionally with a latent size (conv:16).</summary>
    public string OneClassModel { get; init; } = "conv";
    /// <summary>Training batch size of the per-class VAEs (6,000 images per class: small batches give more steps).</summary>
    public int OneClassBatch { get; init; } = 128;
    /// <summary>Where <c>--one-class-validation</c> writes the per-class outputs for choosing a score on held-out training images; null = not run.</summary>
    public string? OneClassValidationDirectory { get; init; }
    /// <summary>Skip the raw-pixel classifier and KMeans baselines of the quality run (they are slow).</summary>
    public bool SkipRawBaseline { get; init; }
    /// <summary>Also run "featurize from files": μ of PNG files per second, ours vs hand-written SkiaSharp + ORT vs stock.</summary>
    public bool FromFiles { get; init; }
    /// <summary>PNG files of the file measurement.</summary>
    public int FilesCount { get; init; } = 10_000;
    /// <summary>The folder the files are made into once; null = ~/.cache/vae-mlnet/featurize-from-files/&lt;source&gt;-&lt;count&gt;.</summary>
    public string? FilesCache { get; init; }
    /// <summary>A folder of PNGs to make the files from; null = openclipart-png when installed, else the embedded Fashion-MNIST test images.</summary>
    public string? FilesSource { get; init; }
    /// <summary>An RGB vae.onnx for the file measurement; null = train a small conv VAE on the files.</summary>
    public string? FilesOnnx { get; init; }
    /// <summary>Skip the throughput measurements (quality only).</summary>
    public bool SkipThroughput { get; init; }

    /// <summary>Folder of category subfolders of colour images for <c>--colour</c> (e.g. /usr/share/openclipart/png); null = skip.</summary>
    public string? ColourDirectory { get; init; }
    /// <summary>Square image sizes of the colour run.</summary>
    public IReadOnlyList<int> ColourSizes { get; init; } = [32, 64];
    /// <summary>Conv channels of the colour VAE.</summary>
    public IReadOnlyList<int> ColourWidths { get; init; } = [32, 64];
    /// <summary>Categories of the colour one-class protocol (the largest ones); 0 skips it.</summary>
    public int ColourOneClass { get; init; } = 6;
    /// <summary>Likelihood of the colour VAE; null = the trainer's default.</summary>
    public Vae.MLNet.VaeLikelihood? ColourLikelihood { get; init; }

    /// <summary>Parses <c>--name value</c> pairs and flags; unknown arguments are an error naming them.</summary>
    public static ReportOptions Parse(IReadOnlyList<string> args)
    {
        var o = new ReportOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string Next() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double NextDouble()
            {
                string name = args[i], text = Next();
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v > 0 && double.IsFinite(v)
                    ? v
                    : throw new ArgumentException($"{name} must be a positive number, got '{text}'.");
            }
            int NextInt()
            {
                string name = args[i], text = Next();
                return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                    ? v
                    : throw new ArgumentException($"{name} must be a positive integer, got '{text}'.");
            }
            o = args[i] switch
            {
                "--report" => o,
                "--quality" => o with { Quality = true },
                "--one-class" => o with { OneClass = true },
                "--no-raw-baseline" => o with { SkipRawBaseline = true },
                "--quality-only" => o with { Quality = true, SkipThroughput = true },
                "--one-class-only" => o with { OneClass = true, SkipThroughput = true },
                "--from-files" => o with { FromFiles = true },
                "--from-files-only" => o with { FromFiles = true, SkipThroughput = true },
                "--files-count" => o with { FilesCount = NextInt() },
                "--files-cache" => o with { FilesCache = Next() },
                "--files-source" => o with { FilesSource = Next() },
                "--files-onnx" => o with { FilesOnnx = Next() },
                "--epochs" => o with { Epochs = NextInt() },
                "--beta" => o with { Beta = NextDouble() },
                "--latent" => o with { Latent = NextInt() },
                "--kmeans-seeds" => o with { KMeansSeeds = NextInt() },
                "--umap-neighbors" => o with { UmapNeighbors = NextInt() },
                "--umap-seeds" => o with { UmapSeeds = NextInt() },
                "--no-umap" => o with { UmapNeighbors = 0 },
                "--prior-components" => o with { PriorComponents = NextInt() },
                "--classifier" => o with { Classifier = Next() },
                "--classifier-trees" => o with { ClassifierTrees = NextInt() },
                "--classifier-leaves" => o with { ClassifierLeaves = NextInt() },
                "--one-class-model" => o with { OneClassModel = Next() },
                "--one-class-batch" => o with { OneClassBatch = NextInt() },
                "--one-class-validation" => o with { OneClassValidationDirectory = Next(), SkipThroughput = true },
                "--onnx" => o with { QualityOnnx = Next() },
                "--colour" => o with { ColourDirectory = Next() },
                "--colour-only" => o with { ColourDirectory = Next(), SkipThroughput = true },
                "--colour-sizes" => o with { ColourSizes = Integers(args[i], Next()) },
                "--colour-widths" => o with { ColourWidths = Integers(args[i], Next()) },
                "--colour-one-class" => o with { ColourOneClass = int.TryParse(Next(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n >= 0 ? n : throw new ArgumentException("--colour-one-class takes N ≥ 0 categories.") },
                "--colour-likelihood" => o with { ColourLikelihood = Enum.TryParse<Vae.MLNet.VaeLikelihood>(Next(), ignoreCase: true, out var l) ? l : throw new ArgumentException($"--colour-likelihood takes one of {string.Join(", ", Enum.GetNames<Vae.MLNet.VaeLikelihood>())}.") },
                "--models" => o with { QualityModels = Next().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--torch-threads" => o with { TorchThreads = NextInt() },
                "--ort-threads" => o with { OrtThreads = NextInt() },
                "--batch-size" => o with { BatchSize = NextInt() },
                "--train-steps" => o with { TrainSteps = NextInt() },
                "--reps" => o with { Repetitions = NextInt() },
                "--latency-calls" => o with { LatencyCalls = NextInt() },
                _ => throw new ArgumentException(
                    $"Unknown argument '{args[i]}'. Expected --report [--quality [--epochs N] [--models mlp,conv|none] [--onnx FILE] [--beta X] [--latent K] [--prior-components K] [--classifier lbfgs|fasttree|lightgbm [--classifier-trees N] [--classifier-leaves N]] [--kmeans-seeds N] [--umap-neighbors N] [--umap-seeds N] [--no-umap]] [--no-raw-baseline] [--one-class [--one-class-model mlp|conv[:k[:widths]]] [--one-class-batch N]] [--one-class-validation DIR] [--colour DIR | --colour-only DIR [--colour-sizes 32,64] [--colour-widths 32,64] [--colour-one-class N] [--colour-likelihood NAME]] [--quality-only] [--one-class-only] " +
                    "[--from-files [--files-count N] [--files-cache DIR] [--files-source DIR] [--files-onnx FILE]] [--from-files-only] " +
                    "[--torch-threads N] [--ort-threads N] [--batch-size N] [--train-steps N] [--reps N] [--latency-calls N]."),
            };
        }
        static int[] Integers(string name, string text) => text.Split(',').Select(t =>
            int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : throw new ArgumentException($"{name} takes positive integers separated by commas, got '{text}'.")).ToArray();
        if (o.QualityModels is ["none"])
            o = o.QualityOnnx is null
                ? throw new ArgumentException("--models none trains no VAE, so it needs --onnx FILE (the exported VAE to measure).")
                : o with { QualityModels = [] };
        if (o.UmapNeighbors == 1)
            throw new ArgumentException("--umap-neighbors counts the point itself, so it takes N ≥ 2 (or --no-umap to skip UMAP).");
        if (o.PriorComponents == 1)
            throw new ArgumentException("--prior-components takes K ≥ 2 (a mixture of K Gaussians); leave it out for N(0, I).");
        if ((o.ClassifierTrees ?? o.ClassifierLeaves) is not null && o.Classifier is not ("lightgbm" or "fasttree"))
            throw new ArgumentException($"--classifier-trees and --classifier-leaves set boosted trees (--classifier lightgbm or fasttree), not '{o.Classifier}'.");
        if (o.FilesSource is { } filesSource && !Directory.Exists(filesSource))
            throw new ArgumentException($"--files-source: folder not found: {filesSource}");
        if (o.FilesOnnx is { } filesOnnx && !File.Exists(filesOnnx))
            throw new ArgumentException($"--files-onnx: file not found: {filesOnnx}");
        foreach (string m in o.QualityModels)
            if (m is not ("mlp" or "conv"))
                throw new ArgumentException($"--models takes mlp and/or conv (or none, with --onnx), got '{m}'.");
        return o;
    }
}
