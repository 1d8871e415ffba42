using System.Buffers.Binary;
using System.IO.Compression;

namespace Vae.Training.Data;

/// <summary>
/// Reads the IDX format of MNIST and Fashion-MNIST (gzip-compressed or not): a big-endian header
/// (two zero bytes, a type code, the number of dimensions, one 32-bit size per dimension) followed by
/// the data. Only unsigned bytes (type 0x08) are accepted — what image and label files use.
/// Every problem raises <see cref="InvalidDataException"/> naming the file and what was expected.
/// </summary>
public static class IdxReader
{
    private const byte UnsignedByteType = 0x08;
    // Far above any real data set; a forged header claiming more is refused before allocating.
    private const long MaxElements = 1L << 31;

    /// <summary>Reads an image file ([N, H, W] unsigned bytes) as an <see cref="ImageSet"/> holding those bytes (read as byte/255, in [0, 1]).</summary>
    public static ImageSet ReadImages(string imagesPath, string? labelsPath = null) =>
        ToImageSet(Read(imagesPath, expectedRank: 3), imagesPath, labelsPath == null ? null : ReadLabels(labelsPath), labelsPath, Path.GetFileName(imagesPath));

    /// <summary>
    /// Reads images and labels from open (already decompressed) streams; <paramref name="imagesName"/> and
    /// <paramref name="labelsName"/> name them in errors.
    /// </summary>
    internal static ImageSet ReadImages(Stream images, string imagesName, Stream labels, string labelsName, string source) =>
        ToImageSet(Read(images, imagesName, expectedRank: 3), imagesName,
            Array.ConvertAll(Read(labels, labelsName, expectedRank: 1).Data, b => (int)b), labelsName, source);

    private static ImageSet ToImageSet((int[] Dims, byte[] Data) read, string imagesName, int[]? labels, string? labelsName, string source)
    {
        var (dims, data) = read;
        int count = dims[0], height = dims[1], width = dims[2];
        if (labels != null && labels.Length != count)
            throw new InvalidDataException($"{labelsName}: holds {labels.Length} labels but {imagesName} holds {count} images.");
        return new ImageSet(data, labels ?? Array.Empty<int>(), count, 1, height, width, source); // a byte store: value k is k/255
    }

    /// <summary>Reads a label file ([N] unsigned bytes).</summary>
    public static int[] ReadLabels(string labelsPath)
    {
        var (_, data) = Read(labelsPath, expectedRank: 1);
        return Array.ConvertAll(data, b => (int)b);
    }

    /// <summary>Reads any unsigned-byte IDX file of the given rank: its dimensions and raw bytes.</summary>
    public static (int[] Dims, byte[] Data) Read(string path, int expectedRank)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file not found: {path}", path);
        using Stream file = File.OpenRead(path);
        using Stream stream = IsGzip(file) ? new GZipStream(file, CompressionMode.Decompress) : file;
        try
        {
            return Read(stream, path, expectedRank);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(path, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{path}: corrupt gzip stream ({e.Message}).", e); // from GZipStream
        }
    }

    /// <summary>Reads from an open stream; <paramref name="name"/> names the source in errors.</summary>
    public static (int[] Dims, byte[] Data) Read(Stream stream, string name, int expectedRank)
    {
        Span<byte> magic = stackalloc byte[4];
        ReadExactly(stream, magic, name, "the 4-byte IDX magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"{name}: not an IDX file (expected magic 00 00 <type> <rank>, got {Convert.ToHexString(magic)}).");
        if (magic[2] != UnsignedByteType)
            throw new InvalidDataException($"{name}: IDX data type 0x{magic[2]:X2} is not supported (expected 0x08, unsigned bytes).");
        if (magic[3] != expectedRank)
            throw new InvalidDataException($"{name}: IDX rank {magic[3]}, expected {expectedRank} ({(expectedRank == 3 ? "images: count, rows, columns" : "labels: count")}).");

        Span<byte> header = stackalloc byte[4 * expectedRank];
        ReadExactly(stream, header, name, $"{expectedRank} dimension sizes");
        var dims = new int[expectedRank];
        long total = 1;
        for (int d = 0; d < expectedRank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header.Slice(4 * d, 4));
            if (size > int.MaxValue || (d > 0 && size == 0))
                throw new InvalidDataException($"{name}: dimension {d} has size {size}, expected 1..{int.MaxValue}.");
            dims[d] = (int)size;
            total *= size;
            if (total > MaxElements)
                throw new InvalidDataException($"{name}: header claims more than {MaxElements} elements; refusing to allocate.");
        }

        string declared = $"{total} data bytes for dimensions [{string.Join(", ", dims)}]";
        if (stream.CanSeek && stream.Length - stream.Position != total)
            throw new InvalidDataException(stream.Length - stream.Position < total
                ? $"{name}: header declares {declared} but only {stream.Length - stream.Position} remain (truncated?)."
                : $"{name}: trailing bytes after the {declared}.");
        byte[] data = ReadDeclared(stream, (int)total, name, declared);
        if (stream.ReadByte() != -1)
            throw new InvalidDataException($"{name}: trailing bytes after the {declared}.");
        return (dims, data);
    }

    // A compressed stream's length is unknown until read: grow the buffer as bytes arrive, so a forged
    // header cannot make us allocate gigabytes for a file that holds a few bytes.
    private static byte[] ReadDeclared(Stream stream, int total, string name, string declared)
    {
        const int chunk = 16 << 20;
        if (stream.CanSeek || total <= chunk)
        {
            var exact = new byte[total];
            ReadExactly(stream, exact, name, declared);
            return exact;
        }
        var buffer = new byte[chunk];
        int filled = 0;
        while (filled < total)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, (int)Math.Min(total, 2L * buffer.Length));
            int read = stream.Read(buffer, filled, Math.Min(buffer.Length, total) - filled);
            if (read == 0)
                throw new InvalidDataException($"{name}: file ends after {filled} of {declared} (truncated?).");
            filled += read;
        }
        if (buffer.Length != total) Array.Resize(ref buffer, total);
        return buffer;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name, string what)
    {
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        if (read < buffer.Length)
            throw new InvalidDataException($"{name}: file ends after {read} of {buffer.Length} bytes of {what} (truncated?).");
    }

    private static bool IsGzip(Stream file)
    {
        int b0 = file.ReadByte(), b1 = file.ReadByte();
        file.Position = 0;
        return b0 == 0x1f && b1 == 0x8b;
    }
}
