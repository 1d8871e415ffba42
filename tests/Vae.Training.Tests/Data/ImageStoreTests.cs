using Vae.MLNet;
using Vae.Training.Data;

namespace Vae.Training.Tests.Data;

public class ImageStoreTests
{
    [Fact]
    public void A_byte_store_reads_every_byte_as_byte_over_255f()
    {
        // Two 2x4x4 images holding 0..255 between them; each value must come out as b / 255f, bit for bit.
        byte[] bytes = Enumerable.Range(0, 256).Select(b => (byte)(255 - b)).ToArray();
        var set = new ImageSet(bytes, Array.Empty<int>(), 8, 2, 4, 4, "all bytes");
        float[] floats = set.CopyPixels(0, set.Count);
        for (int i = 0; i < bytes.Length; i++)
            Assert.Equal(BitConverter.SingleToInt32Bits(bytes[i] / 255f), BitConverter.SingleToInt32Bits(floats[i]));
        Assert.Equal(floats.AsSpan(3 * 32, 32).ToArray(), set.Image(3));
        var middle = new float[2 * 32];
        set.CopyPixels(5, 2, middle);
        Assert.Equal(floats.AsSpan(5 * 32, 64).ToArray(), middle);
    }

    [Fact]
    public void A_byte_store_holds_one_byte_per_value_and_a_float_store_four()
    {
        var bytes = new ImageSet(new byte[10 * 3 * 8 * 6], Array.Empty<int>(), 10, 3, 8, 6, "bytes");
        var floats = new ImageSet(new float[10 * 3 * 8 * 6], Array.Empty<int>(), 10, 3, 8, 6, "floats");
        Assert.Equal(10L * 3 * 8 * 6, bytes.StoredBytes);
        Assert.Equal(4L * 10 * 3 * 8 * 6, floats.StoredBytes);
        Assert.Equal(10L * 784, FashionMnist.LoadEmbeddedTest().Take(10).StoredBytes);
    }

    [Fact]
    public void Subset_split_and_take_keep_bytes_as_bytes()
    {
        var set = FashionMnist.LoadEmbeddedTest().Take(100);
        var (train, validation) = set.Split(0.2, seed: 4);
        foreach (var part in new[] { set, train, validation, set.Subset([7, 3, 7]) })
        {
            Assert.IsType<ByteImageStore>(part.Store);
            Assert.Equal((long)part.Count * part.PixelsPerImage, part.StoredBytes);
        }
        Assert.Equal(set.Image(3), set.Subset([7, 3, 7]).Image(1));
    }

    [Fact]
    public void A_float_set_keeps_values_that_are_not_multiples_of_one_255th()
    {
        float[] pixels = [0.123456f, 1f / 3, 0f, 1f];
        var set = new ImageSet(pixels, Array.Empty<int>(), 2, 1, 1, 2, "arbitrary");
        Assert.IsType<FloatImageStore>(set.Store);
        Assert.Equal(pixels, set.CopyPixels(0, 2));
        Assert.Equal(pixels[2..], set.Take(2).Subset([1]).Image(0));
    }

    [Fact]
    public void Mismatched_sizes_and_ranges_are_refused_with_the_source_named()
    {
        var e = Assert.Throws<ArgumentException>(() => new ImageSet(new byte[7], Array.Empty<int>(), 2, 1, 2, 2, "short bytes"));
        Assert.Contains("short bytes", e.Message);
        var set = new ImageSet(new byte[8], Array.Empty<int>(), 2, 1, 2, 2, "two");
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => set.CopyPixels(1, 2));
        Assert.Contains("[1, 3)", range.Message);
        Assert.Throws<ArgumentException>(() => set.CopyPixels(0, 2, new float[7]));
    }

    [Fact]
    public void The_folder_loader_stores_the_preprocessor_bytes()
    {
        string root = Directory.CreateTempSubdirectory("byte-store-").FullName;
        try
        {
            int[] samples = Support.PngWriter.Noise(5 * 4 * 3, 255, seed: 2);
            Support.PngWriter.Write(Path.Combine(root, "a.png"), Support.PngWriter.ColorType.Rgb, 5, 4, samples);
            var set = ImageFolderLoader.Load(root, 4, 5, new VaeImagePreprocessing { ColorMode = VaeColorMode.Rgb });
            var store = Assert.IsType<ByteImageStore>(set.Store);
            Assert.Equal(3L * 4 * 5, set.StoredBytes);
            // Same size, no resampling: the bytes are the file's samples, channel-major.
            byte[] expected = new byte[60];
            for (int p = 0; p < 20; p++)
                for (int c = 0; c < 3; c++)
                    expected[c * 20 + p] = (byte)samples[3 * p + c];
            Assert.Equal(expected, store.ImageBytes(0).ToArray());
            Assert.Equal(expected.Select(b => b / 255f), set.Image(0));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
