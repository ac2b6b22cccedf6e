using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class PartitionedVectorIndexTests
{
    private const int Dimension = 32;

    private static readonly VectorIndexOptions Options = new() { Dimension = Dimension, M = 12, EfConstruction = 100, EfSearch = 64, FlatScanBelow = 500, CompactTombstoneFraction = 0.25 };

    [Fact]
    public void Small_partitions_are_exact_and_searches_never_cross_partitions()
    {
        var index = new PartitionedVectorIndex(Options);
        var data = TestVectors.Clustered(1_200, Dimension, clusters: 5, seed: 61);
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, (ulong)(i % 4), data[i]);
        }

        Assert.Equal(1_200, index.Count);
        Assert.Equal(4, index.PartitionCount);
        foreach (var q in TestVectors.Clustered(50, Dimension, clusters: 5, seed: 62))
        {
            var exact = TestVectors.BruteForce(data.Select((v, i) => ((long)i, v)).Where(x => x.Item1 % 4 == 2), q, 10);
            var found = index.Search(2, q, 10);
            Assert.Equal(PartitionKind.Flat, index.Describe(2)!.Value.Kind);
            Assert.Equal(exact.Select(x => x.Id), found.Select(x => x.Id));
            Assert.All(found.Zip(exact), p => Assert.Equal(p.Second.Similarity, p.First.Similarity, 1e-5f));
        }

        Assert.Empty(index.Search(99, data[0], 3));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_partition_reaching_the_threshold_becomes_a_graph_with_high_recall(bool quantizedSearch)
    {
        var index = new PartitionedVectorIndex(Options with { QuantizedSearch = quantizedSearch });
        var data = TestVectors.Clustered(3_000, Dimension, clusters: 20, seed: 63);
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, i < 2_600 ? 7UL : 8UL, data[i]);
        }

        Assert.Equal((2_600, PartitionKind.Graph), index.Describe(7));
        Assert.Equal((400, PartitionKind.Flat), index.Describe(8));
        var recall = 0.0;
        var queries = TestVectors.Clustered(100, Dimension, clusters: 20, seed: 64);
        foreach (var q in queries)
        {
            var exact = TestVectors.BruteForce(data.Take(2_600).Select((v, i) => ((long)i, v)), q, 10);
            var found = index.Search(7, q, 10);
            Assert.All(found, m => Assert.True(m.Id < 2_600));
            recall += TestVectors.Recall(exact, found);
        }

        Assert.True(recall / queries.Length >= 0.95, $"recall@10 {recall / queries.Length:F3}");
    }

    [Fact]
    public void Removing_compacts_graphs_and_demotes_small_ones_to_flat()
    {
        var index = new PartitionedVectorIndex(Options);
        var data = TestVectors.Clustered(1_000, Dimension, clusters: 10, seed: 65);
        for (var i = 0; i < data.Length; i++)
        {
            index.Add(i, 1, data[i]);
        }

        Assert.Equal(PartitionKind.Graph, index.Describe(1)!.Value.Kind);
        for (var i = 0; i < 300; i++)
        {
            Assert.True(index.Remove(i));
        }

        Assert.False(index.Remove(0));
        Assert.Equal((700, PartitionKind.Graph), index.Describe(1));
        Assert.All(data.Take(300), v => Assert.True(index.Search(1, v, 1)[0].Id >= 300));
        for (var i = 300; i < 800; i++)
        {
            index.Remove(i);
        }

        Assert.Equal((200, PartitionKind.Flat), index.Describe(1));
        Assert.Equal(800, index.Search(1, data[800], 1)[0].Id);
        for (var i = 800; i < 1_000; i++)
        {
            index.Remove(i);
        }

        Assert.Null(index.Describe(1));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Min_similarity_drops_weak_matches()
    {
        var index = new PartitionedVectorIndex(Options with { Dimension = 2 });
        index.Add(1, 0, [1f, 0f]);
        index.Add(2, 0, [0.6f, 0.8f]);
        index.Add(3, 0, [0f, 1f]);

        var results = index.Search(0, [1f, 0f], 3, minSimilarity: 0.5f);

        Assert.Equal([1L, 2L], results.Select(x => x.Id));
        Assert.Equal(0.6f, results[1].Similarity, 1e-6f);
    }
}
