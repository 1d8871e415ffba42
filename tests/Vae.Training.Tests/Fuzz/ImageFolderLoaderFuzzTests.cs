using Vae.MLNet;
using System.Diagnostics;
using SkiaSharp;
using Vae.Training.Data;
using Xunit.Abstractions;

namespace Vae.Training.Tests.Fuzz;

/// <summary>
/// Mutated PNG / JPEG bytes in an image folder either load into a consistent <see cref="ImageSet"/>
/// (pixels finite, in [0, 1]) or raise InvalidDataException naming the file — never another exception,
/// a crash, a hang or runaway memory (a forged header can claim a 2³¹-pixel image).
/// </summary>
[Trait("Category", "Fuzz")]
public class ImageFolderLoaderFuzzTests
{
    private const int Size = 12;
    private readonly ITestOutputHelper _output;

    public ImageFolderLoaderFuzzTests(ITestOutputHelper output) => _output = output;

    private static byte[] Encode(SKEncodedImageFormat format, int quality)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
                bitmap.SetPixel(x, y, new SKColor((byte)(x * 20), (byte)(y * 20), (byte)((x ^ y) * 16), (byte)(255 - x * 5)));
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, quality);
        return data.ToArray();
    }

    [Theory]
    [InlineData(".png", 8)]   // PNG header: signature + IHDR (width, height, depth, colour type)
    [InlineData(".jpg", 24)]  // JPEG: SOI + APP0; SOF dimensions follow further in
    public void MutatedImageGivesImageSetOrInvalidDataExceptionNamingTheFile(string extension, int headerLength)
    {
        byte[] valid = Encode(extension == ".png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg, 90);
        string folder = Directory.CreateTempSubdirectory("vae-imgfuzz-").FullName;
        string path = Path.Combine(folder, "input" + extension);
        var random = new Random(FuzzSettings.Seed + extension.Length);
        int iterations = FuzzSettings.Iterations(1_500);
        var runner = new FuzzRunner(TimeSpan.FromSeconds(20));
        long peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;
        try
        {
            // The unmutated image loads: the harness itself works.
            File.WriteAllBytes(path, valid);
            Assert.Equal(1, ImageFolderLoader.Load(folder, Size, Size).Count);

            for (int i = 0; i < iterations; i++)
            {
                byte[] input = ByteMutator.Mutate(valid, random, headerLength);
                File.WriteAllBytes(path, input);
                var mode = i % 2 == 0 ? VaeColorMode.Grayscale : VaeColorMode.Rgb;
                runner.Run(i, () =>
                {
                    var set = ImageFolderLoader.Load(folder, Size, Size, mode);
                    Assert.Equal(1, set.Count);
                    foreach (float p in set.Image(0))
                        Assert.True(p is >= 0f and <= 1f, $"input #{i}: pixel {p} outside [0, 1]");
                }, e =>
                {
                    Assert.IsType<InvalidDataException>(e);
                    Assert.Contains(path, e.Message, StringComparison.Ordinal);
                });
            }
        }
        finally { Directory.Delete(folder, recursive: true); }

        long peakGrowthMb = (Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore) >> 20;
        _output.WriteLine(runner.Summary($"image loader {extension}") + $", peak working set grew {peakGrowthMb} MB");
        Assert.True(peakGrowthMb < 1024, $"peak working set grew by {peakGrowthMb} MB while decoding {Size}x{Size} images");
        Assert.True(runner.Rejected > 0 && runner.Accepted > 0, "the mutations should give both decodable and undecodable images");
    }
}
