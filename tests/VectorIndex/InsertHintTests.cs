using LlmGateway.VectorIndex;
using Xunit.Abstractions;

namespace LlmGateway.Tests.VectorIndex;

/// <summary>
/// A cache miss searches for its question's vector and then inserts that vector: the insert may take its neighbours
/// from the search's beam (<see cref="InsertHint"/>) instead of searching again. The graph it builds must be as good.
/// </summary>
public sealed class InsertHintTests(ITestOutputHelper output)
{
    private const int Dimension = 64;

    [Fact]
    public void A_graph_built_from_lookup_beams_has_the_recall_of_one_built_by_searching_inserts()
    {
        var data = TestVectors.Clustered(5_000, Dimension, clusters: 50, seed: 11);
        var queries = TestVectors.Clustered(200, Dimension, clusters: 50, seed: 1_000_011);
        var searched = HnswIndexRecallTests.Build(data);
        var hinted = new HnswIndex(Dimension, 16, 64, efSearch: 64, seed: 42, data.Length);
        var used = 0;
        var buffer = new VectorMatch[8];
        for (var i = 0; i < data.Length; i++)
        {
            hinted.Search(data[i], buffer, 0, out var hint);
            used += hint is null ? 0 : 1;
            hinted.Insert(i, data[i], hint);
        }
        var live = data.Select((v, i) => ((long)i, v)).ToArray();

        var (searched1, searched10) = HnswIndexRecallTests.MeasureRecall(searched, live, queries, efSearch: 32);
        var (hinted1, hinted10) = HnswIndexRecallTests.MeasureRecall(hinted, live, queries, efSearch: 32);

        output.WriteLine($"searching inserts: recall@1 {searched1:F3} @10 {searched10:F3}; from beams ({used} hints): @1 {hinted1:F3} @10 {hinted10:F3}");
        Assert.Equal(data.Length - 1, used); // every insert but the first (empty graph) had a beam
        Assert.True(hinted10 >= searched10 - 0.01, $"recall@10 {hinted10:F3} from beams vs {searched10:F3}");
        Assert.True(hinted1 >= searched1 - 0.01, $"recall@1 {hinted1:F3} from beams vs {searched1:F3}");
        Assert.Equal(data.Length, data.Select((v, i) => hinted.Search(v, 1)[0].Id == i).Count(x => x));
    }

    [Fact]
    public void A_hint_from_another_graph_is_ignored_and_the_insert_searches()
    {
        var data = TestVectors.Clustered(2_000, Dimension, clusters: 10, seed: 12);
        var first = HnswIndexRecallTests.Build(data);
        var second = HnswIndexRecallTests.Build(data[..100]); // its node numbers stop at 99: the foreign beam's mostly do not exist here
        var query = TestVectors.Clustered(1, Dimension, clusters: 10, seed: 13)[0];
        first.Search(query, new VectorMatch[8], 0, out var foreign);

        second.Insert(5_000, query, foreign);

        Assert.NotNull(foreign);
        var nearest = second.Search(query, 1)[0];
        Assert.Equal(5_000, nearest.Id);
        Assert.Equal(1f, nearest.Similarity, 1e-5f);
    }

    [Fact]
    public void A_hint_taken_before_a_compaction_is_not_used_on_the_compacted_graph()
    {
        var data = TestVectors.Clustered(1_000, Dimension, clusters: 10, seed: 14);
        var graph = HnswIndexRecallTests.Build(data);
        var query = TestVectors.Clustered(1, Dimension, clusters: 10, seed: 15)[0];
        graph.Search(query, new VectorMatch[8], 0, out var hint);
        for (var i = 0; i < 500; i++)
            graph.Delete(i);

        var compacted = graph.Compact(); // node numbers change
        compacted.Insert(7_000, query, hint);

        Assert.Equal(7_000, compacted.Search(query, 1)[0].Id);
    }

    [Fact]
    public void A_partition_still_scanned_flat_gives_no_hint_and_a_graph_partition_does()
    {
        var index = new PartitionedVectorIndex(new VectorIndexOptions { Dimension = Dimension, FlatScanBelow = 100 });
        var data = TestVectors.Clustered(300, Dimension, clusters: 5, seed: 16);
        for (var i = 0; i < 50; i++)
            index.Add(i, 1, data[i]);
        index.Search(1, data[50], 8, out var flatHint);
        for (var i = 50; i < 300; i++)
        {
            index.Search(1, data[i], 8, out var hint);
            index.Add(i, 1, data[i], hint);
        }
        index.Search(1, data[0], 8, out var graphHint);

        Assert.Null(flatHint);
        Assert.Equal(PartitionKind.Graph, index.Describe(1)!.Value.Kind);
        Assert.NotNull(graphHint);
        Assert.Equal(300, data.Select((v, i) => index.Search(1, v, 1)[0].Id == i).Count(x => x));
    }
}
