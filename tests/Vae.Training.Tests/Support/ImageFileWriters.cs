using System.Buffers.Binary;

namespace Vae.Training.Tests.Support;

/// <summary>
/// Writes the image files SkiaSharp cannot encode — 24-bit BMP, GIF, CMYK (Adobe) JPEG — and adds an EXIF orientation to
/// a JPEG, byte by byte from the format specifications, so the decoder is tested on files with known pixels.
/// </summary>
internal static class ImageFileWriters
{
    /// <summary>A 24-bit bottom-up BMP (BITMAPINFOHEADER); <paramref name="rgb"/> row-major top-down, 3 bytes a pixel.</summary>
    public static byte[] Bmp24(int width, int height, byte[] rgb)
    {
        int stride = (width * 3 + 3) / 4 * 4;
        var file = new byte[54 + stride * height];
        file[0] = (byte)'B'; file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);         // pixel data offset
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);         // header size
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);     // positive: bottom-up rows
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);          // planes
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);         // bits per pixel
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                int s = 3 * (y * width + x);
                file[row + 3 * x] = rgb[s + 2];     // B, G, R
                file[row + 3 * x + 1] = rgb[s + 1];
                file[row + 3 * x + 2] = rgb[s];
            }
        }
        return file;
    }

    /// <summary>
    /// A GIF89a with a 4-colour global palette; <paramref name="indices"/> row-major (0..3); colour <paramref name="transparent"/>
    /// (if ≥ 0) is transparent. The LZW stream sends a clear code before every two pixels, so codes stay 3 bits wide.
    /// </summary>
    public static byte[] Gif(int width, int height, (byte R, byte G, byte B)[] palette, byte[] indices, int transparent = -1)
    {
        var file = new List<byte>();
        file.AddRange("GIF89a"u8.ToArray());
        file.AddRange([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0b1000_0001, 0, 0]); // global table of 2^(1+1) colours
        foreach (var (r, g, b) in palette) file.AddRange([r, g, b]);
        if (transparent >= 0)
            file.AddRange([0x21, 0xF9, 4, 1, 0, 0, (byte)transparent, 0]);    // graphic control extension: transparency flag
        file.AddRange([0x2C, 0, 0, 0, 0, (byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0]);
        const int minCodeSize = 2, clear = 4, end = 5;
        var codes = new List<int>();
        for (int i = 0; i < indices.Length; i++)
        {
            if (i % 2 == 0) codes.Add(clear);
            codes.Add(indices[i]);
        }
        codes.Add(end);
        var data = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (int code in codes)
        {
            buffer |= code << bits;
            bits += 3;
            while (bits >= 8) { data.Add((byte)buffer); buffer >>= 8; bits -= 8; }
        }
        if (bits > 0) data.Add((byte)buffer);
        file.Add(minCodeSize);
        for (int i = 0; i < data.Count; i += 255)
        {
            int n = Math.Min(255, data.Count - i);
            file.Add((byte)n);
            file.AddRange(data.GetRange(i, n));
        }
        file.Add(0);
        file.Add(0x3B);
        return file.ToArray();
    }

    /// <summary>
    /// A baseline JPEG with four components (C, M, Y, K, no subsampling) and an Adobe APP14 marker (transform 0), as
    /// Photoshop writes CMYK: values stored inverted (255 = no ink). Each 8×8 block is one flat colour
    /// (<paramref name="blocks"/>: per block, left to right, the stored C, M, Y, K), so only DC coefficients are coded.
    /// </summary>
    public static byte[] AdobeCmykJpeg((byte C, byte M, byte Y, byte K)[] blocks)
    {
        int width = 8 * blocks.Length, height = 8;
        var file = new List<byte> { 0xFF, 0xD8 };
        Segment(file, 0xEE, [.. "Adobe"u8.ToArray(), 0, 100, 0, 0, 0, 0, 0]);
        Segment(file, 0xDB, [0, .. Enumerable.Repeat((byte)1, 64)]);          // quantisation table 0: all ones
        var frame = new List<byte> { 8, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width, 4 };
        for (byte id = 1; id <= 4; id++) frame.AddRange([id, 0x11, 0]);
        Segment(file, 0xC0, frame.ToArray());
        // DC table: the standard luminance one (ITU T.81 Annex K.3); AC table: one code, '0' = end of block.
        byte[] dcBits = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
        Segment(file, 0xC4, [0x00, .. dcBits, .. Enumerable.Range(0, 12).Select(v => (byte)v)]);
        Segment(file, 0xC4, [0x10, 1, .. new byte[15], 0x00]);
        var scan = new List<byte> { 4 };
        for (byte id = 1; id <= 4; id++) scan.AddRange([id, 0x00]);
        scan.AddRange([0, 63, 0]);
        Segment(file, 0xDA, scan.ToArray());

        var (dcCodes, dcLengths) = Canonical(dcBits);
        var writer = new BitWriter(file);
        var previous = new int[4];
        foreach (var block in blocks)
        {
            byte[] values = [block.C, block.M, block.Y, block.K];
            for (int c = 0; c < 4; c++)
            {
                int dc = 8 * (values[c] - 128);                                 // DCT of a flat block: 8·(value − 128)
                int diff = dc - previous[c];
                previous[c] = dc;
                int category = diff == 0 ? 0 : 32 - int.LeadingZeroCount(Math.Abs(diff));
                writer.Write(dcCodes[category], dcLengths[category]);
                if (category > 0)
                    writer.Write(diff > 0 ? diff : diff + (1 << category) - 1, category);
                writer.Write(0, 1);                                             // AC: end of block
            }
        }
        writer.Flush();
        file.AddRange([0xFF, 0xD9]);
        return file.ToArray();
    }

    /// <summary>Inserts an APP1 Exif segment holding only the orientation tag (0x0112) right after the JPEG's SOI marker.</summary>
    public static byte[] WithExifOrientation(byte[] jpeg, int orientation)
    {
        if (jpeg[0] != 0xFF || jpeg[1] != 0xD8)
            throw new ArgumentException("Not a JPEG (no SOI marker).", nameof(jpeg));
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,                            // big-endian TIFF header, first IFD at 8
            0, 1,                                                               // one entry
            0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte)orientation, 0, 0,           // Orientation, SHORT, count 1, value
            0, 0, 0, 0,                                                         // no next IFD
        ];
        var segment = new List<byte>();
        Segment(segment, 0xE1, [.. "Exif\0\0"u8.ToArray(), .. tiff]);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    private static void Segment(List<byte> file, byte marker, byte[] payload)
    {
        int length = payload.Length + 2;
        file.AddRange([0xFF, marker, (byte)(length >> 8), (byte)length]);
        file.AddRange(payload);
    }

    private static (int[] Codes, int[] Lengths) Canonical(byte[] bits)
    {
        var codes = new List<int>();
        var lengths = new List<int>();
        int code = 0;
        for (int length = 1; length <= 16; length++)
        {
            for (int k = 0; k < bits[length - 1]; k++) { codes.Add(code++); lengths.Add(length); }
            code <<= 1;
        }
        return (codes.ToArray(), lengths.ToArray());
    }

    /// <summary>Entropy-coded bits, most significant first, with a 0x00 stuffed after every 0xFF and 1-bits padding the end.</summary>
    private sealed class BitWriter(List<byte> output)
    {
        private int _buffer, _count;

        public void Write(int value, int length)
        {
            for (int i = length - 1; i >= 0; i--)
            {
                _buffer = (_buffer << 1) | ((value >> i) & 1);
                if (++_count == 8) Emit();
            }
        }

        public void Flush()
        {
            while (_count != 0) Write(1, 1);
        }

        private void Emit()
        {
            output.Add((byte)_buffer);
            if (_buffer == 0xFF) output.Add(0);
            _buffer = _count = 0;
        }
    }
}
