using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class HnswIndexFilterTests
{
    [Theory]
    [InlineData(2, 0.95)]
    [InlineData(5, 0.93)]
    public void Filtered_search_returns_only_accepted_ids_with_high_recall(int partitions, double minRecall)
    {
        var data = TestVectors.Clustered(3_000, 32, clusters: 30, seed: 31);
        var index = HnswIndexRecallTests.Build(data);
        var queries = TestVectors.Clustered(150, 32, clusters: 30, seed: 32);
        var live = data.Select((v, i) => ((long)i, v)).ToArray();
        Func<long, bool> filter = id => id % partitions == 1;

        foreach (var q in queries.Take(20))
        {
            var results = index.Search(q, 10, 100, filter);
            Assert.Equal(10, results.Length);
            Assert.All(results, m => Assert.Equal(1, m.Id % partitions));
        }

        var (_, recall10) = HnswIndexRecallTests.MeasureRecall(index, live, queries, efSearch: 100, filter);
        Assert.True(recall10 >= minRecall, $"filtered recall@10 {recall10:F3} < {minRecall}");
    }

    [Fact]
    public void A_filter_that_accepts_nothing_returns_nothing()
    {
        var data = TestVectors.Uniform(300, 16, seed: 33);
        var index = HnswIndexRecallTests.Build(data);

        Assert.Empty(index.Search(data[0], 5, 32, _ => false));
        Assert.Single(index.Search(data[0], 5, 32, id => id == 123));
    }
}
