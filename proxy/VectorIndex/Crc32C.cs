namespace LlmGateway.VectorIndex;

/// <summary>
/// The one CRC-32C operation System.IO.Hashing lacks: the CRC of two consecutive parts from theirs.
/// The snapshot reader checksums a large run on several threads and joins their CRCs in order
/// (README, "Checksum choice"); the hashing itself is the library's <c>Crc32</c> with <c>Crc32ParameterSet.Crc32C</c>.
/// </summary>
internal static class Crc32C
{
    private const uint Polynomial = 0x82F63B78u; // reflected 0x1EDC6F41: bit 31 is x^0, bit 0 is x^31

    /// <summary>The CRC of A followed by B: A's CRC times x^(8·|B|) mod P, plus B's (zlib's crc32_combine since 1.2.12).</summary>
    public static uint Combine(uint crcA, uint crcB, long lengthB)
    {
        uint shift = 1u << 31; // x^0
        uint square = 1u << 23; // x^8: one byte
        for (var n = lengthB; n > 0; n >>= 1)
        {
            if ((n & 1) != 0)
            {
                shift = MultiplyModP(shift, square);
            }

            square = MultiplyModP(square, square);
        }

        return MultiplyModP(shift, crcA) ^ crcB;
    }

    private static uint MultiplyModP(uint a, uint b)
    {
        uint product = 0;
        for (var bit = 1u << 31; bit != 0; bit >>= 1)
        {
            if ((a & bit) != 0)
            {
                product ^= b;
            }

            b = (b & 1) != 0 ? (b >> 1) ^ Polynomial : b >> 1; // b·x
        }

        return product;
    }
}
