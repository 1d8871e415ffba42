using System.Buffers.Binary;

namespace Vae.Training.Tests.Fuzz;

/// <summary>Deterministic mutations of a valid input: the usual fuzzer moves plus forged header fields.</summary>
internal static class ByteMutator
{
    public static byte[] Mutate(byte[] valid, Random random, int headerLength)
    {
        byte[] data = (byte[])valid.Clone();
        switch (random.Next(7))
        {
            case 0: // flip a few bits anywhere
                for (int i = random.Next(1, 8); i > 0; i--) data[random.Next(data.Length)] ^= (byte)(1 << random.Next(8));
                return data;
            case 1: // truncate
                return data[..random.Next(data.Length)];
            case 2: // append garbage
                return data.Concat(Enumerable.Range(0, random.Next(1, 64)).Select(_ => (byte)random.Next(256))).ToArray();
            case 3: // forge one 32-bit header word with an extreme value
                {
                    int word = random.Next(Math.Max(1, headerLength / 4)) * 4;
                    uint[] extremes = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, (uint)random.Next() };
                    if (word + 4 <= data.Length) BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(word, 4), extremes[random.Next(extremes.Length)]);
                    return data;
                }
            case 4: // random header bytes
                for (int i = 0; i < Math.Min(headerLength, data.Length); i++) if (random.Next(3) == 0) data[i] = (byte)random.Next(256);
                return data;
            case 5: // pure noise of a random length
                {
                    var noise = new byte[random.Next(0, 256)];
                    random.NextBytes(noise);
                    return noise;
                }
            default: // splice: repeat a block
                {
                    int start = random.Next(data.Length), length = random.Next(1, Math.Min(128, data.Length - start + 1));
                    return data.Take(start + length).Concat(data.Skip(start)).ToArray();
                }
        }
    }
}
