using Vae.Cli;
using Vae.Training.Data;

namespace Vae.Cli.Demo;

/// <summary>
/// Step 0: the images. An image folder (class subfolders), or IDX: train-*/t10k-* when both exist; else a seeded
/// 80/20 split of the one present.
/// </summary>
internal static class DemoData
{
    public static DataSplit Load(DemoOptions options, Action<string>? log = null)
    {
        var split = options.ImagesDirectory is { } images
            ? DataSplit.Random(ReadFolder(images, options, log), DemoOptions.TestFraction, options.Seed)
            : options.DataDirectory is { } directory
            ? DataSplit.FromIdxFolder(directory, DemoOptions.TestFraction, options.Seed)
            : DataSplit.Random(FashionMnist.LoadEmbeddedTest(), DemoOptions.TestFraction, options.Seed);
        split = split.Limit(options.TrainLimit ?? int.MaxValue, options.TestLimit ?? int.MaxValue);
        if (split.Train.Labels.Length == 0 || split.Test.Labels.Length == 0)
            throw new InvalidDataException(options.ImagesDirectory != null
                ? $"{options.ImagesDirectory}: the demo needs labelled images (one subfolder per class) for classification, clustering and anomaly detection."
                : $"{options.DataDirectory}: the demo needs labels (train/t10k-labels-idx1-ubyte) for classification, clustering and anomaly detection.");
        return split;
    }

    private static ImageSet ReadFolder(string folder, DemoOptions options, Action<string>? log)
    {
        var result = ImageFolderLoader.Read(folder, options.ImageHeight, options.ImageWidth, options.ImageFolder);
        log?.Invoke($"Loaded {result.Summary()}");
        return result.Images;
    }
}
