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
        "Folder of class subfolders of .png/.jpg/.bmp/.webp/.gif images (label = subfolder, see --label-depth), instead of --data.");
    public Option<string> ImageSize { get; } = new("--image-size")
    {
        Description = "Height x width that --images are resized to, e.g. 28x28.",
        DefaultValueFactory = _ => "28x28",
        HelpName = "HxW",
    };
    public Option<bool> Rgb { get; } = new("--rgb") { Description = "Read --images as 3-channel RGB instead of grayscale." };
    public Option<int> Limit { get; } = CliOptions.Int("--limit", "Use at most this many training images (0 = all).", 0, min: 0);
    public Option<FileInfo> Manifest { get; } = CliOptions.ExistingFile("--manifest",
        "CSV of images instead of --data/--images: header path,label (label optional), paths relative to the CSV's folder.");
    public Option<VaeResizeMode> Resize { get; } = new("--resize")
    {
        Description = "How --images of another aspect ratio reach --image-size: stretch, pad (fit inside, fill with --background) or crop (cover, cut the centre).",
        DefaultValueFactory = _ => VaeResizeMode.Stretch,
        HelpName = "stretch|pad|crop",
    };
    public Option<string> Background { get; } = new("--background")
    {
        Description = "Colour transparent pixels and padding become.",
        DefaultValueFactory = _ => "#FFFFFF",
        HelpName = "#RRGGBB",
    };
    public Option<bool> NoExif { get; } = new("--no-exif") { Description = "Take JPEGs as stored instead of turning them upright by their EXIF orientation." };
    public Option<int> LabelDepth { get; } = CliOptions.Int("--label-depth",
        "Folder level of --images that names the class: 1 = top-level subfolder, 2 = e.g. animals/cats, 0 = no labels.", 1, min: 0, max: 64);
    public Option<bool> SkipBadImages { get; } = new("--skip-bad-images")
    {
        Description = "Skip (and count) undecodable, truncated, oversized or non-regular image files instead of stopping at the first.",
    };

    public DataOptions()
    {
        ImageSize.Validators.Add(r =>
        {
            string text = r.GetValueOrDefault<string>() ?? "";
            if (!TryParseSize(text, out _, out _))
                r.AddError($"--image-size must look like 28x28 (height x width, each 1..4096), got '{text}'.");
        });
        Background.Validators.Add(r =>
        {
            try { new VaeImagePreprocessing { Background = r.GetValueOrDefault<string>() }.BackgroundRgb(); }
            catch (ArgumentException e) { r.AddError($"--background: {e.Message}"); }
        });
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Data, Images, Manifest, ImageSize, Rgb, Resize, Background, NoExif, LabelDepth, SkipBadImages, Limit })
            command.Options.Add(option);
        command.Validators.Add(r =>
        {
            var given = new[] { ("--data", (Option)Data), ("--images", Images), ("--manifest", Manifest) }
                .Where(o => r.GetResult(o.Item2) is { Implicit: false }).Select(o => o.Item1).ToArray();
            if (given.Length > 1)
                r.AddError($"{string.Join(" and ", given)} choose the images {given.Length} ways; give one of them.");
            if (r.GetResult(LabelDepth) is { Implicit: false } && r.GetResult(Images) is not { Implicit: false })
                r.AddError("--label-depth applies to --images (a manifest names its labels).");
        });
    }

    /// <summary>
    /// Loads the images the options name, split into train and test (see <see cref="DataSplit"/>); for image files,
    /// <paramref name="log"/> gets one line saying how many were loaded and how many files were skipped and why.
    /// </summary>
    public DataSplit Load(ParseResult parse, int seed, double testFraction = 0.2, Action<string>? log = null)
    {
        var images = parse.GetValue(Images);
        var manifest = parse.GetValue(Manifest);
        DataSplit split;
        if (images != null || manifest != null)
        {
            TryParseSize(parse.GetValue(ImageSize)!, out int height, out int width);
            var options = ImageOptions(parse);
            var result = images != null
                ? ImageFolderLoader.Read(images.FullName, height, width, options)
                : ImageFolderLoader.ReadManifest(manifest!.FullName, height, width, options);
            log?.Invoke($"Loaded {result.Summary()}");
            split = DataSplit.Random(result.Images, testFraction, seed);
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

    /// <summary>The loader options the command line chose.</summary>
    internal ImageFolderOptions ImageOptions(ParseResult parse) => new()
    {
        Preprocessing = new VaeImagePreprocessing
        {
            ColorMode = parse.GetValue(Rgb) ? VaeColorMode.Rgb : VaeColorMode.Grayscale,
            Resize = parse.GetValue(Resize),
            Background = parse.GetValue(Background)!,
            ApplyExifOrientation = !parse.GetValue(NoExif),
        },
        LabelDepth = parse.GetValue(LabelDepth),
        SkipBadImages = parse.GetValue(SkipBadImages),
    };

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
