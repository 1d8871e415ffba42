using System.IO.Compression;
using Vae.Training.Data;

namespace Vae.Training.Tests.Fuzz;

/// <summary>
/// Mutated IDX files (raw and gzip) either parse into consistent data or raise InvalidDataException
/// naming the source — never another exception, a huge allocation or a hang.
/// </summary>
[Trait("Category", "Fuzz")]
public class IdxReaderFuzzTests
{
    private static byte[] SmallValidImages()
    {
        var (dims, data) = IdxReader.Read(Path.Combine(FashionMnist.EmbeddedDirectory(), "t10k-images-idx3-ubyte.gz"), 3);
        Assert.Equal(new[] { 10_000, 28, 28 }, dims);
        const int count = 3;
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0, count, 0, 0, 0, 28, 0, 0, 0, 28 };
        return header.Concat(data.Take(count * 28 * 28)).ToArray();
    }

    [Fact]
    public void MutatedRawIdxGivesOnlyInvalidDataException()
    {
        byte[] valid = SmallValidImages();
        var random = new Random(FuzzSettings.Seed);
        int iterations = FuzzSettings.Iterations(20_000), parsed = 0, rejected = 0;
        long before = GC.GetTotalAllocatedBytes();
        for (int i = 0; i < iterations; i++)
        {
            byte[] input = ByteMutator.Mutate(valid, random, headerLength: 16);
            try
            {
                var (dims, data) = IdxReader.Read(new MemoryStream(input), "fuzz-input", 3);
                Assert.Equal((long)dims[0] * dims[1] * dims[2], data.LongLength); // parsed data is consistent
                Assert.Equal(input.Length, 16 + data.Length);
                parsed++;
            }
            catch (InvalidDataException e)
            {
                Assert.StartsWith("fuzz-input:", e.Message, StringComparison.Ordinal);
                rejected++;
            }
        }
        // Forged headers must not make the reader allocate what they claim: the inputs are < 3 KB each.
        double perInput = (GC.GetTotalAllocatedBytes() - before) / (double)iterations;
        Assert.True(perInput < 64 * 1024, $"average allocation per input {perInput:F0} bytes");
        Assert.True(rejected > iterations / 2, $"only {rejected} of {iterations} mutations rejected");
        Assert.True(parsed > 0, "no mutation parsed; the mutator is broken");
    }

    [Fact]
    public void MutatedGzipIdxGivesOnlyInvalidDataException()
    {
        byte[] valid;
        using (var buffer = new MemoryStream())
        {
            using (var gz = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(SmallValidImages());
            valid = buffer.ToArray();
        }
        string path = Path.Combine(Path.GetTempPath(), $"fuzz-{Guid.NewGuid():N}.gz");
        var random = new Random(FuzzSettings.Seed + 1);
        // Each input goes through a file (the gzip path is chosen by the file), so CI runs 200; VAE_FUZZ_ITERATIONS runs exactly that many.
        int iterations = FuzzSettings.Iterations(200), tried = 0;
        try
        {
            for (int i = 0; i < iterations; i++)
            {
                File.WriteAllBytes(path, ByteMutator.Mutate(valid, random, headerLength: 10));
                try
                {
                    IdxReader.Read(path, 3);
                }
                catch (InvalidDataException e)
                {
                    Assert.Contains(path, e.Message);
                }
                tried++;
            }
        }
        finally { File.Delete(path); }
        Assert.Equal(iterations, tried);
    }
}
