using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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
    /// <remarks>Optimised at first call: a snapshot load at startup runs this loop over gigabytes before tiered compilation would promote it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// The CRC of A followed by B from the CRCs of A and B and B's length (zlib's crc32_combine,
    /// for this polynomial): lets parts of a file be checked on several threads.
    /// </summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        if (lengthB <= 0)
        {
            return crcA;
        }

        // GF(2) operators that append 1, 2, 4, ... zero bits to a CRC, squared up to the length.
        Span<uint> even = stackalloc uint[32];
        Span<uint> odd = stackalloc uint[32];
        odd[0] = Polynomial;
        uint row = 1;
        for (var n = 1; n < 32; n++)
        {
            odd[n] = row;
            row <<= 1;
        }

        Square(even, odd); // two zero bits
        Square(odd, even); // four zero bits
        do
        {
            Square(even, odd); // first pass: one zero byte
            if ((lengthB & 1) != 0)
            {
                crcA = Times(even, crcA);
            }

            lengthB >>= 1;
            if (lengthB == 0)
            {
                break;
            }

            Square(odd, even);
            if ((lengthB & 1) != 0)
            {
                crcA = Times(odd, crcA);
            }

            lengthB >>= 1;
        }
        while (lengthB != 0);

        return crcA ^ crcB;
    }

    private static uint Times(ReadOnlySpan<uint> matrix, uint vector)
    {
        uint sum = 0;
        for (var i = 0; vector != 0; i++, vector >>= 1)
        {
            if ((vector & 1) != 0)
            {
                sum ^= matrix[i];
            }
        }

        return sum;
    }

    private static void Square(Span<uint> square, ReadOnlySpan<uint> matrix)
    {
        for (var n = 0; n < 32; n++)
        {
            square[n] = Times(matrix, matrix[n]);
        }
    }

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
