using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Vae.Training.Tests.Support;

/// <summary>
/// Writes PNG files of every colour type and bit depth the tests need (gray, RGB, palette with tRNS, gray+alpha,
/// RGBA; 8 or 16 bits), so the decoder is tested on files whose pixel values are known exactly. SkiaSharp's
/// encoder writes neither palettes nor gray+alpha, hence this.
/// </summary>
internal static class PngWriter
{
    public enum ColorType : byte { Gray = 0, Rgb = 2, Palette = 3, GrayAlpha = 4, Rgba = 6 }

    /// <summary>
    /// <paramref name="samples"/>: per pixel, row-major, the channel values of the colour type (palette: the index);
    /// for 16-bit depth each value is 0..65535, else 0..255.
    /// </summary>
    public static void Write(string path, ColorType type, int width, int height, int[] samples, int bitDepth = 8,
        (byte R, byte G, byte B)[]? palette = null, byte[]? paletteAlpha = null)
    {
        int channels = type switch { ColorType.Gray or ColorType.Palette => 1, ColorType.GrayAlpha => 2, ColorType.Rgb => 3, _ => 4 };
        int bytesPerSample = bitDepth / 8;
        if (samples.Length != width * height * channels)
            throw new ArgumentException($"{samples.Length} samples for {width}x{height}x{channels}.");
        var raw = new MemoryStream();
        for (int y = 0; y < height; y++)
        {
            raw.WriteByte(0); // filter: none
            for (int i = 0; i < width * channels; i++)
            {
                int v = samples[y * width * channels + i];
                if (bytesPerSample == 2) raw.WriteByte((byte)(v >> 8));
                raw.WriteByte((byte)v);
            }
        }
        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)type;
        Chunk(file, "IHDR", header);
        if (palette != null)
            Chunk(file, "PLTE", palette.SelectMany(c => new[] { c.R, c.G, c.B }).ToArray());
        if (paletteAlpha != null)
            Chunk(file, "tRNS", paletteAlpha);
        var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            z.Write(raw.ToArray());
        Chunk(file, "IDAT", compressed.ToArray());
        Chunk(file, "IEND", []);
    }

    private static void Chunk(Stream stream, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        stream.Write(length);
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        stream.Write(typeAndData);
        var crc = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typeAndData));
        stream.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in bytes)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>Deterministic pseudo-random samples in [0, max], so images have texture for resampling to act on.</summary>
    public static int[] Noise(int count, int max, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(max + 1)).ToArray();
    }
}
