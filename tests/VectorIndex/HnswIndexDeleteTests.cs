using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class HnswIndexDeleteTests
{
    private const int Dimension = 32;

    [Fact]
    public void Deleted_ids_are_never_returned_and_recall_holds_over_the_rest()
    {
        var data = TestVectors.Clustered(4_000, Dimension, clusters: 30, seed: 21);
        var index = HnswIndexRecallTests.Build(data);
        var deleted = Enumerable.Range(0, data.Length).Where(i => i % 3 == 0).ToHashSet();
        foreach (var i in deleted)
        {
            Assert.True(index.Delete(i));
        }

        var queries = TestVectors.Clustered(150, Dimension, clusters: 30, seed: 22);
        var live = data.Select((v, i) => ((long)i, v)).Where(x => !deleted.Contains((int)x.Item1)).ToArray();
        foreach (var q in queries)
        {
            Assert.DoesNotContain(index.Search(q, 10, 64), m => deleted.Contains((int)m.Id));
        }

        var (recall1, recall10) = HnswIndexRecallTests.MeasureRecall(index, live, queries, efSearch: 100);
        Assert.True(recall10 >= 0.95, $"recall@10 after deletes {recall10:F3}");
        Assert.True(recall1 >= 0.95, $"recall@1 after deletes {recall1:F3}");
        Assert.Equal(data.Length - deleted.Count, index.Count);
        Assert.Equal(deleted.Count, index.TombstoneCount);
        Assert.False(index.Delete(0));
    }

    [Fact]
    public void Compaction_drops_tombstones_and_keeps_recall()
    {
        var data = TestVectors.Clustered(4_000, Dimension, clusters: 30, seed: 23);
        var index = HnswIndexRecallTests.Build(data);
        var random = new Random(5);
        var deleted = Enumerable.Range(0, data.Length).OrderBy(_ => random.Next()).Take(1_600).ToHashSet();
        foreach (var i in deleted)
        {
            index.Delete(i);
        }

        var compacted = index.Compact();

        Assert.Equal(0, compacted.TombstoneCount);
        Assert.Equal(2_400, compacted.NodeCount);
        Assert.Equal(2_400, compacted.Count);
        var live = data.Select((v, i) => ((long)i, v)).Where(x => !deleted.Contains((int)x.Item1)).ToArray();
        var queries = TestVectors.Clustered(150, Dimension, clusters: 30, seed: 24);
        var (recall1, recall10) = HnswIndexRecallTests.MeasureRecall(compacted, live, queries, efSearch: 100);
        Assert.True(recall10 >= 0.95, $"recall@10 after compaction {recall10:F3}");
        Assert.True(recall1 >= 0.95, $"recall@1 after compaction {recall1:F3}");
        var selfHits = live.Count(x => compacted.Search(x.v, 1, 64)[0].Id == x.Item1);
        Assert.True(selfHits >= live.Length * 0.99, $"only {selfHits}/{live.Length} live vectors find themselves after compaction");
    }

    [Fact]
    public void Update_is_delete_then_insert_with_the_same_id()
    {
        var index = new HnswIndex(3, 4, 16, 16, seed: 1);
        index.Insert(7, [1f, 0f, 0f]);
        index.Insert(8, [0f, 1f, 0f]);

        Assert.Throws<ArgumentException>(() => index.Insert(7, [0f, 0f, 1f]));
        Assert.True(index.Delete(7));
        index.Insert(7, [0f, 0f, 1f]);

        var best = index.Search([0f, 0f, 1f], 1)[0];
        Assert.Equal(7, best.Id);
        Assert.Equal(1f, best.Similarity, 1e-5f);
        Assert.Equal(2, index.Count);
        Assert.DoesNotContain(index.Search([1f, 0f, 0f], 3), m => m.Similarity > 0.5f);
    }
}
