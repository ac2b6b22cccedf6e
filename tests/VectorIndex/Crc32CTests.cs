using System.IO.Hashing;
using System.Text;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class Crc32CTests
{
    private static uint Hash(ReadOnlySpan<byte> data) => Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);

    [Fact]
    public void The_library_computes_the_snapshot_checksum_crc32c() =>
        Assert.Equal(0xE3069283u, Hash(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Combining_the_crcs_of_two_parts_gives_the_crc_of_the_whole()
    {
        var data = new byte[70_000];
        new Random(5).NextBytes(data);
        var whole = Hash(data);
        foreach (var split in new[] { 0, 1, 3, 8, 4_096, 65_536, 69_999, 70_000 })
        {
            Assert.Equal(whole, Crc32C.Combine(Hash(data.AsSpan(0, split)), Hash(data.AsSpan(split)), data.Length - split));
        }

        data[123] ^= 1;
        Assert.NotEqual(whole, Crc32C.Combine(Hash(data.AsSpan(0, 500)), Hash(data.AsSpan(500)), data.Length - 500));
    }
}
