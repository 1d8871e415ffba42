using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;

namespace Vae.Cli.Demo;

/// <summary>
/// Settings of <c>vae demo</c>. The defaults are the README's run (a few minutes on 2 cores); a test can
/// shrink everything (2 epochs — the mixture prior is placed after the first — and 800 images) and still exercise every step.
/// </summary>
internal sealed record DemoOptions
{
    /// <summary>Fraction held out for testing when the data has a single split (8,000 / 2,000 of t10k).</summary>
    public const double TestFraction = 0.2;

    /// <summary>Folder for report.md, figures, models and checkpoints.</summary>
    public string OutputDirectory { get; init; } = "out";
    /// <summary>IDX folder (train-* and/or t10k-*); null = the embedded Fashion-MNIST t10k.</summary>
    public string? DataDirectory { get; init; }
    /// <summary>
    /// A folder of class subfolders of images (colour or not) instead of IDX data; null = IDX. The images are made
    /// <see cref="ImageHeight"/>×<see cref="ImageWidth"/> as <see cref="ImageFolder"/> says, and KMeans gets one cluster per class.
    /// </summary>
    public string? ImagesDirectory { get; init; }
    /// <summary>Height the <see cref="ImagesDirectory"/> images are made.</summary>
    public int ImageHeight { get; init; } = 28;
    /// <summary>Width the <see cref="ImagesDirectory"/> images are made.</summary>
    public int ImageWidth { get; init; } = 28;
    /// <summary>How the <see cref="ImagesDirectory"/> images are read and made (colour mode, resize, background, bad files).</summary>
    public ImageFolderOptions ImageFolder { get; init; } = new();
    /// <summary>Seed of the data split, weights, shuffling, noise and the ML.NET trainers.</summary>
    public int Seed { get; init; }
    /// <summary>Use at most this many training images (null = all).</summary>
    public int? TrainLimit { get; init; }
    /// <summary>Use at most this many test images (null = all).</summary>
    public int? TestLimit { get; init; }

    /// <summary>Encoder/decoder type.</summary>
    public VaeKind Kind { get; init; } = VaeKind.Mlp;
    /// <summary>Latent size k.</summary>
    public int LatentDim { get; init; } = 16;
    /// <summary>Hidden widths (MLP) or conv channels; empty = the architecture's default.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = new[] { 400 };
    /// <summary>Decoder likelihood; null = the trainer's default for the images' channels (resolved when the data is loaded).</summary>
    public VaeLikelihood? Likelihood { get; init; }
    /// <summary>σ of the Gaussian likelihood (start value when learned).</summary>
    public double GaussianSigma { get; init; } = 0.1;
    /// <summary>Gaussian likelihood: learn one σ per channel.</summary>
    public bool LearnGaussianSigmaPerChannel { get; init; }
    /// <summary>Start value of the learned per-channel scale of the Laplace and discretized logistic likelihoods.</summary>
    public double LikelihoodScale { get; init; } = 0.1;
    /// <summary>KL weight β.</summary>
    public double Beta { get; init; } = 1.0;
    /// <summary>KL warm-up in epochs.</summary>
    public int Warmup { get; init; }
    /// <summary>Free bits per latent dimension.</summary>
    public double FreeBits { get; init; }
    /// <summary>
    /// 0 = the N(0, I) prior; K ≥ 2 = a learned mixture of K Gaussians. The demo's default, one component per
    /// Fashion-MNIST class, measured better than N(0, I) in −ELBO, accuracy, NMI and three of the four VAE anomaly
    /// scores (benchmarks/Vae.Benchmarks/results/mixture-prior-2026-11-27.md).
    /// </summary>
    public int PriorComponents { get; init; } = 10;
    /// <summary>With a mixture prior: epochs before k-means on μ places its components.</summary>
    public int PriorInitEpochs { get; init; } = 1;
    /// <summary>Epochs of each VAE training (the full one and the one without the anomaly class).</summary>
    public int Epochs { get; init; } = 15;
    /// <summary>Images per optimiser step.</summary>
    public int BatchSize { get; init; } = 128;
    /// <summary>Adam learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;
    /// <summary>TorchSharp threads (null = leave as is).</summary>
    public int? Threads { get; init; }

    /// <summary>The class left out of the anomaly detectors' training and scored as "anomaly" (8 = Bag in Fashion-MNIST).</summary>
    public int AnomalyClass { get; init; } = 8;
    /// <summary>Clusters for KMeans (the number of classes of Fashion-MNIST).</summary>
    public int Clusters { get; init; } = 10;
    /// <summary>KMeans runs, seeds Seed..Seed + KMeansSeeds − 1; NMI is reported as their mean with the range.</summary>
    public int KMeansSeeds { get; init; } = 10;
    /// <summary>
    /// Neighbours of UMAP before KMeans in the third clustering row (N2D's 20); 0 = skip that row. UMAP follows the
    /// manifold of μ, where KMeans alone sees straight-line distance.
    /// </summary>
    public int UmapNeighbors { get; init; } = 20;
    /// <summary>Points in the latent scatter plot.</summary>
    public int ScatterPoints { get; init; } = 2000;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first impossible setting.</summary>
    public DemoOptions Validated()
    {
        if (string.IsNullOrWhiteSpace(OutputDirectory)) throw new ArgumentException("Demo output folder is empty.");
        if (DataDirectory != null && ImagesDirectory != null)
            throw new ArgumentException("Give the demo IDX data or an image folder, not both.");
        if (ImageHeight < 1 || ImageWidth < 1) throw new ArgumentException($"Image size must be positive, got {ImageHeight}x{ImageWidth}.");
        ImageFolder.Validate();
        if (TrainLimit is < 10) throw new ArgumentException($"TrainLimit must be ≥ 10 images, got {TrainLimit}.");
        if (TestLimit is < 10) throw new ArgumentException($"TestLimit must be ≥ 10 images, got {TestLimit}.");
        if (Epochs < 1) throw new ArgumentException($"Epochs must be ≥ 1, got {Epochs}.");
        if (Clusters < 2) throw new ArgumentException($"Clusters must be ≥ 2, got {Clusters}.");
        if (KMeansSeeds < 1) throw new ArgumentException($"KMeansSeeds must be ≥ 1, got {KMeansSeeds}.");
        if (AnomalyClass < 0) throw new ArgumentException($"AnomalyClass must be a class index ≥ 0, got {AnomalyClass}.");
        if (UmapNeighbors is < 0 or 1) throw new ArgumentException($"UmapNeighbors must be 0 (no UMAP) or ≥ 2, got {UmapNeighbors}.");
        if (ScatterPoints < 2) throw new ArgumentException($"ScatterPoints must be ≥ 2, got {ScatterPoints}.");
        return this;
    }
}
