using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class HnswIndexSnapshotTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("vectorindex-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Snapshot_round_trip_gives_identical_results_including_tombstones()
    {
        var data = TestVectors.Clustered(3_000, 48, clusters: 20, seed: 41);
        var index = HnswIndexRecallTests.Build(data);
        for (var i = 0; i < 300; i++)
        {
            index.Delete(i * 7);
        }

        var path = Path.Combine(_directory, "graph.snapshot");
        index.SaveSnapshot(path);

        Assert.True(HnswIndex.TryLoadSnapshot(path, out var loaded, out var reason), reason);
        Assert.Equal(index.Count, loaded!.Count);
        Assert.Equal(index.NodeCount, loaded.NodeCount);
        Assert.Equal(index.TopLevel, loaded.TopLevel);
        foreach (var q in TestVectors.Clustered(100, 48, clusters: 20, seed: 42))
        {
            Assert.Equal(index.Search(q, 10, 50), loaded.Search(q, 10, 50));
        }

        Assert.False(loaded.Contains(0));
        loaded.Insert(0, data[0]);
        Assert.Equal(0, loaded.Search(data[0], 1)[0].Id);
    }

    [Fact]
    public void A_flipped_byte_is_reported_as_a_checksum_mismatch()
    {
        var path = SaveSmall();
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, bytes);

        Assert.False(HnswIndex.TryLoadSnapshot(path, out var loaded, out var reason));
        Assert.Null(loaded);
        Assert.Contains("checksum", reason);
    }

    [Theory]
    [InlineData(0.999)]
    [InlineData(0.5)]
    [InlineData(0.01)]
    public void A_truncated_file_is_reported(double keep)
    {
        var path = SaveSmall();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * keep)]);

        Assert.False(HnswIndex.TryLoadSnapshot(path, out _, out var reason));
        Assert.Contains("truncated", reason);
    }

    [Fact]
    public void A_corrupt_length_is_rejected_without_a_huge_allocation()
    {
        var path = SaveSmall();
        var bytes = File.ReadAllBytes(path);
        BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, 12 + 24); // node count field
        File.WriteAllBytes(path, bytes);

        Assert.False(HnswIndex.TryLoadSnapshot(path, out _, out var reason));
        Assert.Contains("does not fit", reason);
    }

    [Fact]
    public void Foreign_files_and_other_versions_are_rejected_with_a_reason()
    {
        var path = SaveSmall();
        var bytes = File.ReadAllBytes(path);
        bytes[8] = 99; // version
        File.WriteAllBytes(path, bytes);
        Assert.False(HnswIndex.TryLoadSnapshot(path, out _, out var versionReason));
        Assert.Contains("version 99", versionReason);

        File.WriteAllText(path, "hello, this is not a snapshot at all");
        Assert.False(HnswIndex.TryLoadSnapshot(path, out _, out var magicReason));
        Assert.Contains("magic", magicReason);

        Assert.False(HnswIndex.TryLoadSnapshot(Path.Combine(_directory, "missing"), out _, out var missingReason));
        Assert.Contains("does not exist", missingReason);
    }

    private string SaveSmall()
    {
        var index = HnswIndexRecallTests.Build(TestVectors.Uniform(500, 16, seed: 43));
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        index.SaveSnapshot(path);
        Assert.True(HnswIndex.TryLoadSnapshot(path, out _, out var reason), reason);
        return path;
    }
}
