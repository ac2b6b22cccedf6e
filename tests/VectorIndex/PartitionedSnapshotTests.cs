using LlmGateway.VectorIndex;
using Microsoft.Extensions.Logging;

namespace LlmGateway.Tests.VectorIndex;

public sealed class PartitionedSnapshotTests : IDisposable
{
    private static readonly VectorIndexOptions Options = new() { Dimension = 24, M = 8, EfConstruction = 64, EfSearch = 48, FlatScanBelow = 300 };

    private readonly string _directory = Directory.CreateTempSubdirectory("vectorindex-tests-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the graph partition's codes are encoded again on load
    public void Round_trip_keeps_every_partition_and_identical_results(bool quantizedSearch)
    {
        var options = Options with { QuantizedSearch = quantizedSearch };
        var (index, data) = Build(options);
        var path = Path.Combine(_directory, "index.snapshot");
        index.SaveSnapshot(path);

        Assert.True(PartitionedVectorIndex.TryLoadSnapshot(path, options, out var loaded, out var reason), reason);
        Assert.Equal(index.Count, loaded!.Count);
        Assert.Equal(index.PartitionCount, loaded.PartitionCount);
        foreach (var partition in new ulong[] { 0, 1, 2, ulong.MaxValue })
        {
            Assert.Equal(index.Describe(partition), loaded.Describe(partition));
            foreach (var q in data.Take(40))
            {
                Assert.Equal(index.Search(partition, q, 10), loaded.Search(partition, q, 10));
            }
        }

        Assert.True(loaded.Contains(1));
        Assert.False(loaded.Contains(3));
        Assert.Throws<ArgumentException>(() => loaded.Add(1, 0, data[1]));
    }

    [Fact]
    public void Other_options_are_a_reason_to_rebuild()
    {
        var (index, _) = Build();
        var path = Path.Combine(_directory, "index.snapshot");
        index.SaveSnapshot(path);

        Assert.False(PartitionedVectorIndex.TryLoadSnapshot(path, Options with { Dimension = 32 }, out _, out var reason));
        Assert.Contains("dimension 24", reason);
    }

    [Fact]
    public void A_corrupt_snapshot_is_rebuilt_from_the_store_with_a_log_line()
    {
        var (index, data) = Build();
        var path = Path.Combine(_directory, "index.snapshot");
        index.SaveSnapshot(path);
        var bytes = File.ReadAllBytes(path);
        bytes[^100] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
        var logger = new ListLogger();
        var storeReads = 0;

        var rebuilt = PartitionedVectorIndex.LoadOrRebuild(path, Options, () =>
        {
            storeReads++;
            return Entries(data);
        }, logger);

        Assert.Equal(1, storeReads);
        Assert.Equal(index.Count, rebuilt.Count);
        Assert.Equal(index.Describe(0), rebuilt.Describe(0));
        Assert.Equal(index.Describe(ulong.MaxValue), rebuilt.Describe(ulong.MaxValue));
        Assert.Contains(logger.Events, e => e.Id == 4001 && e.Message.Contains("checksum mismatch"));
        Assert.Contains(logger.Events, e => e.Id == 4002);
        Assert.Equal(24, data[5].Length);
        Assert.Equal(5, rebuilt.Search(0, data[5], 1)[0].Id);
        Assert.Equal(1_001, rebuilt.Search(2, data[1_001], 1)[0].Id);

        rebuilt.SaveSnapshot(path);
        var reloaded = PartitionedVectorIndex.LoadOrRebuild(path, Options, () => throw new InvalidOperationException("store must not be read"), logger);
        Assert.Equal(rebuilt.Count, reloaded.Count);
        Assert.Contains(logger.Events, e => e.Id == 4000);
    }

    [Fact]
    public void A_truncated_snapshot_is_rejected_and_a_missing_one_is_rebuilt_without_a_warning()
    {
        var (index, data) = Build();
        var path = Path.Combine(_directory, "index.snapshot");
        index.SaveSnapshot(path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 10)]);
        var logger = new ListLogger();

        var rebuilt = PartitionedVectorIndex.LoadOrRebuild(path, Options, () => Entries(data), logger);

        Assert.Equal(index.Count, rebuilt.Count);
        Assert.Contains(logger.Events, e => e.Id == 4001 && e.Message.Contains("truncated"));

        var fresh = new ListLogger();
        var first = PartitionedVectorIndex.LoadOrRebuild(Path.Combine(_directory, "none"), Options, () => Entries(data), fresh);
        Assert.Equal(index.Count, first.Count);
        Assert.DoesNotContain(fresh.Events, e => e.Id == 4001);
        Assert.Contains(fresh.Events, e => e.Id == 4002);
    }

    private static (PartitionedVectorIndex Index, float[][] Data) Build(VectorIndexOptions? options = null)
    {
        var data = TestVectors.Clustered(1_500, 24, clusters: 10, seed: 71);
        var index = new PartitionedVectorIndex(options ?? Options);
        foreach (var entry in Entries(data))
        {
            index.Add(entry.Id, entry.Partition, entry.Vector);
        }

        index.Remove(3);
        return (index, data);
    }

    private static IEnumerable<VectorEntry> Entries(float[][] data) =>
        data.Select((v, i) => new VectorEntry(i, i < 1_000 ? 0UL : i % 3 == 0 ? ulong.MaxValue : (ulong)(i % 3), v)).Where(e => e.Id != 3);

    private sealed class ListLogger : ILogger
    {
        public List<(int Id, string Message)> Events { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Events.Add((eventId.Id, formatter(state, exception)));
    }
}
