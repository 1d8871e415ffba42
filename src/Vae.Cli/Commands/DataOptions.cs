using Vae.MLNet;
using System.CommandLine;
using System.Globalization;
using Vae.Training.Data;

namespace Vae.Cli;

/// <summary>The options that choose the images: an IDX folder or image folders, their size, and a limit.</summary>
internal sealed class DataOptions
{
    public Option<DirectoryInfo> Data { get; } = CliOptions.ExistingDirectory("--data",
        "IDX folder (train-*/t10k-* images and labels, .gz or not). Default: the Fashion-MNIST t10k sample built into vae (10,000 images).");
    public Option<DirectoryInfo> Images { get; } = CliOptions.ExistingDirectory("--images",
        "Folder of class subfolders of .png/.jpg images (label = subfolder), instead of --data.");
    public Option<string> ImageSize { get; } = new("--image-size")
    {
        Description = "Height x width that --images are resized to, e.g. 28x28.",
        DefaultValueFactory = _ => "28x28",
        HelpName = "HxW",
    };
    public Option<bool> Rgb { get; } = new("--rgb") { Description = "Read --images as 3-channel RGB instead of grayscale." };
    public Option<int> Limit { get; } = CliOptions.Int("--limit", "Use at most this many training images (0 = all).", 0, min: 0);

    public DataOptions()
    {
        ImageSize.Validators.Add(r =>
        {
            string text = r.GetValueOrDefault<string>() ?? "";
            if (!TryParseSize(text, out _, out _))
                r.AddError($"--image-size must look like 28x28 (height x width, each 1..4096), got '{text}'.");
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Images, ImageSize, Rgb, Limit }) command.Options.Add(option);
        command.Validators.Add(r =>
        {
            if (r.GetResult(Data) is { Implicit: false } && r.GetResult(Images) is { Implicit: false })
                r.AddError("--data and --images choose the images two ways; give one of them.");
        });
    }

    /// <summary>How --images are made into model inputs (the colour mode; recorded in the exported model).</summary>
    public VaeImagePreprocessing Preprocessing(ParseResult parse) =>
        new() { ColorMode = parse.GetValue(Rgb) ? VaeColorMode.Rgb : VaeColorMode.Grayscale };

    /// <summary>Loads the images the options name, split into train and test (see <see cref="DataSplit"/>).</summary>
    public DataSplit Load(ParseResult parse, int seed, double testFraction = 0.2)
    {
        var images = parse.GetValue(Images);
        DataSplit split;
        if (images != null)
        {
            TryParseSize(parse.GetValue(ImageSize)!, out int height, out int width);
            var all = ImageFolderLoader.Load(images.FullName, height, width, Preprocessing(parse));
            split = DataSplit.Random(all, testFraction, seed);
        }
        else
        {
            split = parse.GetValue(Data) is { } data
                ? DataSplit.FromIdxFolder(data.FullName, testFraction, seed)
                : DataSplit.Random(FashionMnist.LoadEmbeddedTest(), testFraction, seed);
        }
        int limit = parse.GetValue(Limit);
        return limit > 0 ? split.Limit(limit, Math.Max(1, (int)Math.Ceiling(limit * testFraction / (1 - testFraction)))) : split;
    }

    internal static bool TryParseSize(string text, out int height, out int width)
    {
        height = width = 0;
        var parts = text.Split('x', 'X');
        return parts.Length == 2
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out height)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out width)
            && height is >= 1 and <= 4096 && width is >= 1 and <= 4096;
    }
}
