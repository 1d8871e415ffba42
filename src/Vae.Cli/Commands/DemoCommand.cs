using System.CommandLine;
using Vae.MLNet;
using Vae.Cli.Demo;
using Vae.Training.Models;

namespace Vae.Cli;

/// <summary><c>vae demo</c>: the whole story on Fashion-MNIST, ending in out/report.md.</summary>
internal static class DemoCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("demo",
            "Train a VAE on Fashion-MNIST (embedded t10k by default, split 8,000/2,000) or a folder of class subfolders of images (--images, colour with --rgb), export it to ONNX, then in ML.NET: classify and cluster " +
            "on μ vs raw pixels, and detect a held-out class as anomalies (VAE vs RandomizedPca). Writes report.md with figures under --out.");
        var defaults = new DemoOptions();
        var data = CliOptions.ExistingDirectory("--data",
            "IDX folder: train-* for training and t10k-* for testing, or a single split divided 80/20. Default: the embedded Fashion-MNIST t10k.");
        var folder = new DataOptions();
        var limit = CliOptions.Int("--limit", "Use at most this many training images (0 = all; the test set is limited to a quarter of it).", 0, min: 0);
        var settings = new TrainSettings(epochs: defaults.Epochs, latent: defaults.LatentDim, priorComponents: defaults.PriorComponents);
        var output = CliOptions.OutputDirectory("Folder for report.md, figures, models and checkpoints.", "out");
        var holdOut = CliOptions.Int("--anomaly-class", "Class left out of the anomaly detectors' training and scored as the anomaly (8 = Bag).", defaults.AnomalyClass, min: 0);
        command.Options.Add(data);
        foreach (var option in new Option[] { folder.Images, folder.ImageSize, folder.Rgb, folder.Resize, folder.Background, folder.NoExif, folder.LabelDepth, folder.SkipBadImages })
            command.Options.Add(option);
        command.Options.Add(limit);
        command.Validators.Add(r =>
        {
            if (r.GetResult(data) is { Implicit: false } && r.GetResult(folder.Images) is { Implicit: false })
                r.AddError("--data and --images choose the images two ways; give one of them.");
        });
        settings.AddTo(command);
        command.Options.Add(output);
        command.Options.Add(holdOut);
        var kmeansSeeds = CliOptions.Int("--kmeans-seeds", "KMeans runs (seeds --seed, --seed + 1, …); NMI is their mean, with the range in report.md.", defaults.KMeansSeeds, min: 1);
        command.Options.Add(kmeansSeeds);
        var umapNeighbors = CliOptions.Int("--umap-neighbors", "Neighbours of UMAP before KMeans in the clustering step's \"UMAP of VAE μ\" row; 0 skips that row.", defaults.UmapNeighbors, min: 0);
        command.Options.Add(umapNeighbors);
        command.SetAction(parse =>
        {
            int trainLimit = parse.GetValue(limit);
            var hidden = TrainSettings.ParseHidden(parse.GetValue(settings.Hidden)) ?? Array.Empty<int>();
            DataOptions.TryParseSize(parse.GetValue(folder.ImageSize)!, out int imageHeight, out int imageWidth);
            var options = new DemoOptions
            {
                OutputDirectory = parse.GetValue(output)!.FullName,
                DataDirectory = parse.GetValue(data)?.FullName,
                ImagesDirectory = parse.GetValue(folder.Images)?.FullName,
                ImageHeight = imageHeight,
                ImageWidth = imageWidth,
                ImageFolder = folder.ImageOptions(parse),
                TrainLimit = trainLimit > 0 ? trainLimit : null,
                TestLimit = trainLimit > 0 ? Math.Max(10, trainLimit / 4) : null,
                Seed = parse.GetValue(settings.Seed),
                Kind = parse.GetValue(settings.Arch) == "conv" ? VaeKind.Conv : VaeKind.Mlp,
                LatentDim = parse.GetValue(settings.Latent),
                Hidden = hidden.Length > 0 ? hidden : parse.GetValue(settings.Arch) == "conv" ? Array.Empty<int>() : defaults.Hidden,
                // Fashion-MNIST is grayscale: without --likelihood the demo keeps Bernoulli.
                Likelihood = TrainSettings.ParseLikelihood(parse.GetValue(settings.Likelihood)),
                GaussianSigma = parse.GetValue(settings.Sigma),
                LearnGaussianSigmaPerChannel = parse.GetValue(settings.LearnSigma),
                LikelihoodScale = parse.GetValue(settings.Scale),
                Beta = parse.GetValue(settings.Beta),
                Warmup = parse.GetValue(settings.Warmup),
                FreeBits = parse.GetValue(settings.FreeBits),
                PriorComponents = parse.GetValue(settings.PriorComponents),
                PriorInitEpochs = parse.GetValue(settings.PriorInitEpochs),
                Epochs = parse.GetValue(settings.Epochs),
                BatchSize = parse.GetValue(settings.BatchSize),
                LearningRate = parse.GetValue(settings.LearningRate),
                Threads = parse.GetValue(settings.Threads),
                AnomalyClass = parse.GetValue(holdOut),
                KMeansSeeds = parse.GetValue(kmeansSeeds),
                UmapNeighbors = parse.GetValue(umapNeighbors),
            };
            using var stop = new StopSignals(context.Error);
            var report = new DemoRunner(context.Console).Run(options, stop.Token);
            return report == null ? VaeCommandLine.Interrupted : VaeCommandLine.Success;
        });
        return command;
    }
}
