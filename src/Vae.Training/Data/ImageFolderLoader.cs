using SkiaSharp;

namespace Vae.Training.Data;

/// <summary>
/// Loads a folder of images laid out as <c>root/&lt;class&gt;/**/*.png|jpg|jpeg</c> into an <see cref="ImageSet"/>:
/// the label is the index of the class folder in ordinal name order (folder names become
/// <see cref="ImageSet.ClassNames"/>). A folder holding images and no class subfolders gives an unlabeled set.
/// Images are decoded with SkiaSharp, composited over black (premultiplied alpha), resized to
/// <c>height × width</c> and scaled to [0, 1].
/// </summary>
public static class ImageFolderLoader
{
    /// <summary>File extensions that are loaded (case-insensitive); other files are ignored.</summary>
    public static readonly IReadOnlyList<string> Extensions = new[] { ".png", ".jpg", ".jpeg" };

    /// <summary>Loads every image under <paramref name="directory"/>; see the class remarks for the layout.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No images, a class folder without images, images beside class folders, or an undecodable file (named).</exception>
    public static ImageSet Load(string directory, int height, int width, ImageColorMode colorMode = ImageColorMode.Grayscale)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (height <= 0 || width <= 0)
            throw new ArgumentException($"Target image size must be positive, got {height}x{width}.", nameof(height));
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder not found: {directory}");

        var (files, labels, classNames) = ListFiles(directory);
        int channels = colorMode == ImageColorMode.Grayscale ? 1 : 3;
        int perImage = channels * height * width;
        var pixels = new float[(long)files.Count * perImage];
        for (int i = 0; i < files.Count; i++)
            Decode(files[i], height, width, colorMode, pixels.AsSpan(i * perImage, perImage));
        return new ImageSet(pixels, labels, files.Count, channels, height, width, $"image folder {directory}", classNames);
    }

    private static (List<string> Files, int[] Labels, string[] ClassNames) ListFiles(string directory)
    {
        // Hidden folders (.git, .ipynb_checkpoints) are not classes.
        string[] classDirs = Directory.GetDirectories(directory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Order(StringComparer.Ordinal)
            .ToArray();
        List<string> rootImages = ImagesIn(directory, SearchOption.TopDirectoryOnly);

        if (classDirs.Length == 0)
        {
            if (rootImages.Count == 0)
                throw new InvalidDataException($"{directory}: no images found (expected *.png / *.jpg / *.jpeg files, or one subfolder per class).");
            return (rootImages, Array.Empty<int>(), Array.Empty<string>());
        }
        if (rootImages.Count != 0)
            throw new InvalidDataException(
                $"{directory}: holds class subfolders and also {rootImages.Count} image(s) directly inside (e.g. {rootImages[0]}); put every image in a class folder.");

        var files = new List<string>();
        var labels = new List<int>();
        for (int label = 0; label < classDirs.Length; label++)
        {
            List<string> images = ImagesIn(classDirs[label], SearchOption.AllDirectories);
            if (images.Count == 0)
                throw new InvalidDataException($"{classDirs[label]}: class folder holds no images (expected *.png / *.jpg / *.jpeg).");
            files.AddRange(images);
            labels.AddRange(Enumerable.Repeat(label, images.Count));
        }
        return (files, labels.ToArray(), classDirs.Select(d => Path.GetFileName(d)!).ToArray());
    }

    private static List<string> ImagesIn(string directory, SearchOption option) =>
        Directory.EnumerateFiles(directory, "*", option)
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The sampling SkiaSharp 2.88's <c>SKFilterQuality.High</c> did, so that training pixels did not move with
    /// SkiaSharp 3: bilinear from the nearest mipmap level when shrinking along either axis, Mitchell bicubic
    /// when only enlarging. (Bicubic alone, what SkiaSharp 3 maps High to, aliases when shrinking 2× or more:
    /// pixels moved by up to 0.6 on a 70×50 → 28×28 shrink; with this, by at most 2/255.)
    /// </summary>
    internal static SKSamplingOptions Sampling(int sourceWidth, int sourceHeight, int width, int height) =>
        sourceWidth > width || sourceHeight > height
            ? new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Nearest)
            : new SKSamplingOptions(SKCubicResampler.Mitchell);

    private static void Decode(string path, int height, int width, ImageColorMode colorMode, Span<float> target)
    {
        using var decoded = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"{path}: not a decodable PNG/JPEG image.");
        // Drawing onto an opaque black RGBA canvas converts any decoded colour type, composites alpha over
        // black and resamples to the target size in one step.
        using var sized = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var image = SKImage.FromBitmap(decoded))
        using (var canvas = new SKCanvas(sized))
        using (var paint = new SKPaint { IsAntialias = true })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawImage(image, new SKRect(0, 0, width, height), Sampling(decoded.Width, decoded.Height, width, height), paint);
            canvas.Flush();
        }

        ReadOnlySpan<byte> rgba = sized.GetPixelSpan();
        int plane = width * height;
        for (int p = 0; p < plane; p++)
        {
            float r = rgba[4 * p] / 255f, g = rgba[4 * p + 1] / 255f, b = rgba[4 * p + 2] / 255f;
            if (colorMode == ImageColorMode.Grayscale)
            {
                target[p] = 0.299f * r + 0.587f * g + 0.114f * b;
            }
            else
            {
                target[p] = r;
                target[plane + p] = g;
                target[2 * plane + p] = b;
            }
        }
    }
}
