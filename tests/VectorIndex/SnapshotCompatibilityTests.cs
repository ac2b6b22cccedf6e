using System.Buffers.Binary;
using System.IO.Hashing;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

/// <summary>
/// A snapshot written by an earlier build (its own CRC-32C code, before System.IO.Hashing) must still load:
/// a restart after an upgrade reads the file the previous version saved.
/// </summary>
public sealed class SnapshotCompatibilityTests
{
    private static readonly VectorIndexOptions Options = new() { Dimension = 8, M = 4, EfConstruction = 32, EfSearch = 32, FlatScanBelow = 100 };

    private static readonly string File = Path.Combine(AppContext.BaseDirectory, "VectorIndex", "TestData", "partitioned-v1.snapshot");

    [Fact]
    public void A_snapshot_written_by_an_earlier_build_loads_with_its_checksum_and_contents()
    {
        var bytes = System.IO.File.ReadAllBytes(File);
        Assert.Equal(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(^4)), Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, bytes.AsSpan(..^4)));

        Assert.True(PartitionedVectorIndex.TryLoadSnapshot(File, Options, out var index, out var reason), reason);
        var data = Data();
        Assert.Equal(data.Length - 1, index!.Count);
        Assert.Equal((300, PartitionKind.Graph), index.Describe(0));
        Assert.Equal((50, PartitionKind.Flat), index.Describe(1));
        Assert.False(index.Contains(3));
        foreach (var id in new[] { 0, 1, 300, 301, 350 })
        {
            var match = Assert.Single(index.Search(id <= 300 ? 0UL : 1UL, data[id], 1));
            Assert.Equal(id, match.Id);
        }
    }

    /// <summary>The vectors of the file: 301 in partition 0 (a graph) with id 3 removed, 50 in partition 1 (a flat scan).</summary>
    private static float[][] Data() => TestVectors.Clustered(351, 8, clusters: 5, seed: 13);
}
