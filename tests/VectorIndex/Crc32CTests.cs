using System.Text;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class Crc32CTests
{
    [Fact]
    public void Matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Incremental_equals_one_shot_for_any_split()
    {
        var data = new byte[1_000];
        new Random(3).NextBytes(data);
        var whole = Crc32C.Compute(data);
        foreach (var split in new[] { 0, 1, 7, 8, 9, 500, 999, 1_000 })
        {
            Assert.Equal(whole, Crc32C.Append(Crc32C.Compute(data.AsSpan(0, split)), data.AsSpan(split)));
        }

        data[123] ^= 1;
        Assert.NotEqual(whole, Crc32C.Compute(data));
    }

    [Fact]
    public void Combining_the_crcs_of_two_parts_gives_the_crc_of_the_whole()
    {
        var data = new byte[70_000];
        new Random(5).NextBytes(data);
        var whole = Crc32C.Compute(data);
        foreach (var split in new[] { 0, 1, 3, 8, 4_096, 65_536, 69_999, 70_000 })
        {
            var head = Crc32C.Compute(data.AsSpan(0, split));
            var tail = Crc32C.Compute(data.AsSpan(split));
            Assert.Equal(whole, Crc32C.Combine(head, tail, data.Length - split));
        }
    }
}
