using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class BadInputTests
{
    public static TheoryData<string, float[], string> BadVectors => new()
    {
        { "too short", [1f, 0f, 0f], "dimension 4" },
        { "too long", [1f, 0f, 0f, 0f, 0f], "dimension 4" },
        { "NaN", [1f, float.NaN, 0f, 0f], "component 1" },
        { "+inf", [1f, 0f, float.PositiveInfinity, 0f], "component 2" },
        { "-inf", [float.NegativeInfinity, 0f, 0f, 0f], "component 0" },
        { "zero", [0f, 0f, 0f, 0f], "zero" },
        { "overflowing norm", [3e38f, 3e38f, 0f, 0f], "zero (or unrepresentable)" },
    };

    [Theory]
    [MemberData(nameof(BadVectors))]
    public void Graph_rejects_bad_vectors_and_stays_unchanged(string what, float[] vector, string messagePart)
    {
        var index = SmallGraph();
        var before = index.Search([1f, 0.5f, 0f, 0f], 5);

        var error = Assert.Throws<ArgumentException>(() => index.Insert(100, vector));

        Assert.Contains(messagePart, error.Message);
        Assert.Equal(10, index.Count);
        Assert.Equal(10, index.NodeCount);
        Assert.False(index.Contains(100), what);
        Assert.Equal(before, index.Search([1f, 0.5f, 0f, 0f], 5));
        Assert.Throws<ArgumentException>(() => index.Search(vector, 3));
    }

    [Theory]
    [MemberData(nameof(BadVectors))]
    public void Partitioned_index_rejects_bad_vectors_and_stays_unchanged(string what, float[] vector, string messagePart)
    {
        var index = new PartitionedVectorIndex(new VectorIndexOptions { Dimension = 4, FlatScanBelow = 100 });
        index.Add(1, 9, [1f, 0f, 0f, 0f]);

        var error = Assert.Throws<ArgumentException>(() => index.Add(2, 9, vector));

        Assert.Contains(messagePart, error.Message);
        Assert.Equal(1, index.Count);
        Assert.False(index.Contains(2), what);
        Assert.Single(index.Search(9, [1f, 0f, 0f, 0f], 5));
        Assert.Throws<ArgumentException>(() => index.Search(9, vector, 3));
    }

    [Fact]
    public void Duplicate_ids_are_rejected_and_the_first_vector_kept()
    {
        var graph = SmallGraph();
        var graphError = Assert.Throws<ArgumentException>(() => graph.Insert(3, [0f, 0f, 0f, 1f]));
        Assert.Contains("already", graphError.Message);
        Assert.Equal(10, graph.NodeCount);

        var partitioned = new PartitionedVectorIndex(new VectorIndexOptions { Dimension = 4 });
        partitioned.Add(5, 1, [1f, 0f, 0f, 0f]);
        var error = Assert.Throws<ArgumentException>(() => partitioned.Add(5, 2, [0f, 1f, 0f, 0f]));
        Assert.Contains("already", error.Message);
        Assert.Equal(1, partitioned.Count);
        Assert.Empty(partitioned.Search(2, [0f, 1f, 0f, 0f], 1));
        Assert.Equal(1f, partitioned.Search(1, [1f, 0f, 0f, 0f], 1)[0].Similarity, 1e-6f);
    }

    private static HnswIndex SmallGraph()
    {
        var index = new HnswIndex(4, 4, 16, 16, seed: 1);
        var random = new Random(2);
        for (var i = 0; i < 10; i++)
        {
            index.Insert(i, [(float)random.NextDouble() + 0.1f, (float)random.NextDouble(), (float)random.NextDouble(), (float)random.NextDouble()]);
        }

        return index;
    }
}
