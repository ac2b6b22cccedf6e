using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace LlmGateway.VectorIndex;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of snapshots. System.IO.Hashing is not on this machine's
/// package mirror; the SSE4.2 <c>crc32</c> instruction hashes 8 bytes per step (several GB/s),
/// with a table fallback elsewhere. Check value: CRC-32C("123456789") = 0xE3069283.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u; // reflected 0x1EDC6F41

    private static readonly uint[] Table = BuildTable();

    /// <summary>Continues a running CRC (start with 0) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        if (Sse42.X64.IsSupported)
        {
            ulong wide = state;
            var words = MemoryMarshal.Cast<byte, ulong>(data);
            foreach (var word in words)
            {
                wide = Sse42.X64.Crc32(wide, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
            }

            state = (uint)wide;
            data = data[(words.Length * sizeof(ulong))..];
            foreach (var b in data)
            {
                state = Sse42.Crc32(state, b);
            }
        }
        else
        {
            foreach (var b in data)
            {
                state = Table[(state ^ b) & 0xFF] ^ (state >> 8);
            }
        }

        return ~state;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    private static uint[] BuildTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? Polynomial ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
