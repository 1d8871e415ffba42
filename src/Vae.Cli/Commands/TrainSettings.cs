using System.CommandLine;
using System.Globalization;
using Vae.MLNet;
using Vae.Training.Data;
using Vae.Training.Models;
using Vae.Training;

namespace Vae.Cli;

/// <summary>The model and optimisation options shared by <c>vae train</c> and <c>vae demo</c>.</summary>
internal sealed class TrainSettings
{
    public Option<string> Arch { get; } = CliOptions.Choice("--arch", "Encoder/decoder type: fully connected or convolutional", "mlp", "mlp", "conv");
    public Option<int> Latent { get; }
    public Option<string> Hidden { get; } = new("--hidden")
    {
        Description = "Hidden widths (mlp) or conv channels (conv), comma-separated, e.g. 400 or 512,256. Default: 400 (mlp), 32,64 (conv).",
        HelpName = "N[,N...]",
    };
    public Option<int> ConvDense { get; } = CliOptions.Int("--conv-dense", "Width of the conv VAE's dense layer between the convolutions and z (ignored for mlp).", 256);
    public Option<int> ConvDepth { get; } = CliOptions.Int("--conv-depth", "Extra 3x3 convolutions per resolution below the input's, encoder and decoder (ignored for mlp).", 0, min: 0, max: 16);
    public Option<int> ConvHead { get; } = CliOptions.Int("--conv-head", "Channels of a 3x3 convolution at the input resolution that ends the conv decoder (0 = off: the last transposed convolution writes the image).", 0, min: 0, max: 1024);
    public Option<string> Activation { get; } = CliOptions.Choice("--activation", "Nonlinearity between hidden layers (encoder and decoder)", "relu", "relu", "elu", "silu");
    public Option<string?> Likelihood { get; } = CliOptions.OptionalChoice("--likelihood",
        "Decoder likelihood p(x|z). Default: bernoulli for grayscale images, logistic (discretized logistic, learned scale per channel) for --rgb",
        LikelihoodChoices);
    public Option<double> Sigma { get; } = CliOptions.Double("--sigma", "σ of the Gaussian likelihood (its start value with --learn-sigma; ignored by the others).", 0.1, 0, minExclusive: true);
    public Option<bool> LearnSigma { get; } = new("--learn-sigma") { Description = "Gaussian likelihood: learn one σ per image channel, starting at --sigma." };
    public Option<double> Scale { get; } = CliOptions.Double("--scale", "Start value of the per-channel scale the laplace (b) and logistic (s) likelihoods learn.", 0.1, 0, minExclusive: true);
    public Option<double> Beta { get; } = CliOptions.Double("--beta", "KL weight β (1 = the ELBO, >1 = β-VAE).", 1.0, 0);
    public Option<int> Warmup { get; } = CliOptions.Int("--warmup", "Linear KL warm-up length in epochs (0 = off).", 0, min: 0);
    public Option<double> FreeBits { get; } = CliOptions.Double("--free-bits", "Free-bits floor λ in nats per latent dimension (0 = off).", 0.0, 0);
    public Option<int> PriorComponents { get; }
    public Option<int> PriorInitEpochs { get; } = CliOptions.Int("--prior-init-epochs", "With a mixture prior: epochs under N(0, I) before k-means on μ places the components.", 1, min: 0);
    public Option<int> Epochs { get; }
    public Option<int> BatchSize { get; } = CliOptions.Int("--batch-size", "Images per optimiser step.", 128, max: 1 << 20);
    public Option<double> LearningRate { get; } = CliOptions.Double("--lr", "Adam learning rate.", 1e-3, 0, 10, minExclusive: true);
    public Option<string> LearningRateSchedule { get; } = CliOptions.Choice("--lr-schedule", "Learning-rate schedule over the run: constant, or cosine decay to 0 by the last epoch", "constant", "constant", "cosine");
    public Option<int> Seed { get; } = CliOptions.Int("--seed", "Seed for weights, shuffling, noise and data splits (same seed, same result).", 0, min: 0);
    public Option<int> Threads { get; } = CliOptions.Int("--threads", "CPU threads for TorchSharp (default: the number of cores).", Environment.ProcessorCount, max: 1024);

    public TrainSettings(int epochs = 10, int latent = 20, int priorComponents = 0)
    {
        PriorComponents = CliOptions.Int("--prior-components", "Prior p(z): 0 = N(0, I); K ≥ 2 = a learned mixture of K Gaussians (VaDE-style), for latents that cluster.", priorComponents, min: 0, max: 1024);
        Epochs = CliOptions.Int("--epochs", "Number of epochs (with --resume: the total to reach).", epochs, max: 100_000);
        Latent = CliOptions.Int("--latent", "Latent size k (dimensions of z).", latent, max: 4096);
        Hidden.Validators.Add(r =>
        {
            string? text = r.GetValueOrDefault<string>();
            if (ParseHidden(text) == null)
                r.AddError($"--hidden must be positive integers separated by commas, e.g. 400 or 32,64; got '{text}'.");
        });
        PriorComponents.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() == 1)
                r.AddError("--prior-components must be 0 (the N(0, I) prior) or at least 2 (a mixture); got 1.");
        });
    }

    public void AddTo(Command command)
    {
        command.Validators.Add(r =>
        {
            if (r.GetResult(LearnSigma) is { Implicit: false } && r.GetValue(LearnSigma) && r.GetValue(Likelihood) != "gaussian")
                r.AddError($"--learn-sigma learns the σ of --likelihood gaussian; got --likelihood {r.GetValue(Likelihood) ?? "(the default for the images)"}.");
        });
        foreach (var option in new Option[] { Arch, Latent, Hidden, ConvDense, ConvDepth, ConvHead, Activation, Likelihood, Sigma, LearnSigma, Scale, Beta, Warmup, FreeBits, PriorComponents, PriorInitEpochs, Epochs, BatchSize, LearningRate, LearningRateSchedule, Seed, Threads })
            command.Options.Add(option);
    }

    /// <summary>The architecture for images shaped like <paramref name="images"/>.</summary>
    public VaeArchitecture Architecture(ParseResult parse, ImageSet images)
    {
        int[] hidden = ParseHidden(parse.GetValue(Hidden)) ?? Array.Empty<int>();
        int latent = parse.GetValue(Latent);
        var activation = Enum.Parse<VaeActivation>(parse.GetValue(Activation)!, ignoreCase: true);
        return parse.GetValue(Arch) == "conv"
            ? (VaeArchitecture.Conv(images.Channels, images.Height, images.Width, latent, hidden) with
            {
                ConvDense = parse.GetValue(ConvDense),
                ConvDepth = parse.GetValue(ConvDepth),
                ConvHead = parse.GetValue(ConvHead),
                Activation = activation,
                PriorComponents = parse.GetValue(PriorComponents),
            }).Validated()
            : (VaeArchitecture.Mlp(images.Channels, images.Height, images.Width, latent, hidden) with
            {
                Activation = activation,
                PriorComponents = parse.GetValue(PriorComponents),
            }).Validated();
    }

    /// <summary>The optimisation settings; checkpoints and metrics go to <paramref name="outputDirectory"/>.</summary>
    public TrainOptions Options(ParseResult parse, string? outputDirectory) => new TrainOptions
    {
        Epochs = parse.GetValue(Epochs),
        BatchSize = parse.GetValue(BatchSize),
        LearningRate = parse.GetValue(LearningRate),
        LearningRateSchedule = parse.GetValue(LearningRateSchedule) == "cosine" ? Training.LearningRateSchedule.Cosine : Training.LearningRateSchedule.Constant,
        Seed = parse.GetValue(Seed),
        Likelihood = ParseLikelihood(parse.GetValue(Likelihood)),
        GaussianSigma = parse.GetValue(Sigma),
        LearnGaussianSigmaPerChannel = parse.GetValue(LearnSigma),
        LikelihoodScale = parse.GetValue(Scale),
        Beta = parse.GetValue(Beta),
        KlWarmup = parse.GetValue(Warmup),
        KlWarmupUnit = KlWarmupUnit.Epochs,
        FreeBits = parse.GetValue(FreeBits),
        PriorInitEpochs = parse.GetValue(PriorInitEpochs),
        Threads = parse.GetValue(Threads),
        OutputDirectory = outputDirectory,
    }.Validated();

    /// <summary>The values of --likelihood, in the order of <see cref="VaeLikelihood"/>.</summary>
    internal static readonly string[] LikelihoodChoices = ["bernoulli", "gaussian", "laplace", "logistic"];

    /// <summary>The likelihood an --likelihood value names; null (not given) lets the trainer choose by the images' channels.</summary>
    internal static VaeLikelihood? ParseLikelihood(string? value) => value switch
    {
        null => null,
        "bernoulli" => VaeLikelihood.Bernoulli,
        "gaussian" => VaeLikelihood.Gaussian,
        "laplace" => VaeLikelihood.Laplace,
        "logistic" => VaeLikelihood.DiscretizedLogistic,
        _ => throw new ArgumentException($"--likelihood must be one of {string.Join(", ", LikelihoodChoices)}; got '{value}'."),
    };

    internal static int[]? ParseHidden(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Array.Empty<int>();
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0) return null;
        return values;
    }
}
