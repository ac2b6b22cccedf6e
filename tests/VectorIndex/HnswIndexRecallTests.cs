using Xunit.Abstractions;
using LlmGateway.VectorIndex;

namespace LlmGateway.Tests.VectorIndex;

public sealed class HnswIndexRecallTests(ITestOutputHelper output)
{
    private const int Dimension = 64;

    /// <summary>
    /// Fresh queries from the data's distribution (no near-duplicate in the index): the hard case,
    /// uniform data is the worst case (no structure), clustered data shares the centres of the queries.
    /// </summary>
    [Theory]
    [InlineData("uniform", 1_000, 64, 0.98, 0.97)]
    [InlineData("uniform", 10_000, 200, 0.97, 0.95)]
    [InlineData("clustered", 1_000, 32, 0.98, 0.97)]
    [InlineData("clustered", 5_000, 32, 0.97, 0.95)]
    [InlineData("clustered", 20_000, 32, 0.96, 0.94)]
    public void Recall_against_brute_force(string kind, int size, int efSearch, double minRecallAt1, double minRecallAt10)
    {
        var data = kind == "uniform"
            ? TestVectors.Uniform(size, Dimension, seed: 1)
            : TestVectors.Clustered(size, Dimension, clusters: 50, seed: 1);
        var queries = kind == "uniform"
            ? TestVectors.Uniform(200, Dimension, seed: 2)
            : TestVectors.Clustered(200, Dimension, clusters: 50, seed: 1_000_001);
        var index = Build(data);

        var (recall1, recall10) = MeasureRecall(index, data.Select((v, i) => ((long)i, v)).ToArray(), queries, efSearch);

        output.WriteLine($"{kind} n={size} dim={Dimension} ef={efSearch}: recall@1 {recall1:F3}, recall@10 {recall10:F3}");
        Assert.True(recall1 >= minRecallAt1, $"recall@1 {recall1:F3} < {minRecallAt1}");
        Assert.True(recall10 >= minRecallAt10, $"recall@10 {recall10:F3} < {minRecallAt10}");
        Assert.Equal(size, index.Count);
    }

    /// <summary>The semantic-cache case: the query is a paraphrase (cosine ≈ 0.95) of a stored vector.</summary>
    [Fact]
    public void Near_duplicate_queries_find_their_original_at_default_ef()
    {
        var data = TestVectors.Clustered(10_000, Dimension, clusters: 50, seed: 4);
        var index = Build(data);
        var random = new Random(5);
        var noise = TestVectors.Uniform(300, Dimension, seed: 6);
        var hits = 0;
        for (var q = 0; q < noise.Length; q++)
        {
            var original = random.Next(data.Length);
            var query = TestVectors.Normalised(data[original].Zip(noise[q], (a, b) => a + (0.3f * b)).ToArray());
            hits += index.Search(query, 1)[0].Id == original ? 1 : 0;
        }

        Assert.True(hits >= 297, $"{hits}/300 near-duplicate queries found their original");
    }

    [Fact]
    public void Finds_every_inserted_vector_as_its_own_nearest_neighbour()
    {
        var data = TestVectors.Clustered(2_000, Dimension, clusters: 20, seed: 3);
        var index = Build(data);

        var hits = data.Select((v, i) => index.Search(v, 1, efSearch: 64)[0].Id == i).Count(x => x);

        Assert.True(hits >= 1_990, $"only {hits} of 2000 vectors found themselves");
    }

    [Fact]
    public void Similarity_is_cosine_of_normalised_vectors()
    {
        var index = new HnswIndex(3, 4, 16, 16, seed: 1);
        index.Insert(1, [3f, 0f, 0f]);
        index.Insert(2, [0f, 2f, 0f]);

        var results = index.Search([1f, 1f, 0f], 2);

        Assert.Equal(2, results.Length);
        Assert.Equal(MathF.Sqrt(0.5f), results[0].Similarity, 1e-5f);
        Assert.Equal(MathF.Sqrt(0.5f), results[1].Similarity, 1e-5f);
        Assert.Equal(1f, index.Search([5f, 0f, 0f], 1)[0].Similarity, 1e-5f);
    }

    [Fact]
    public void Level_assignment_is_deterministic_for_a_seed_and_follows_the_geometric_law()
    {
        var a = new HnswIndex(8, 16, 32, 16, seed: 7);
        var b = new HnswIndex(8, 16, 32, 16, seed: 7);
        var c = new HnswIndex(8, 16, 32, 16, seed: 8);
        var levelsA = Enumerable.Range(0, 100_000).Select(i => a.LevelFor(i)).ToArray();

        Assert.Equal(levelsA, Enumerable.Range(0, 100_000).Select(i => b.LevelFor(i)).ToArray());
        Assert.NotEqual(levelsA, Enumerable.Range(0, 100_000).Select(i => c.LevelFor(i)).ToArray());
        var aboveZero = levelsA.Count(l => l >= 1) / 100_000.0;
        Assert.InRange(aboveZero, 1.0 / 16 * 0.9, 1.0 / 16 * 1.1);
    }

    internal static HnswIndex Build(float[][] data, int m = 16, int efConstruction = 64)
    {
        var index = new HnswIndex(data[0].Length, m, efConstruction, efSearch: 64, seed: 42, data.Length);
        for (var i = 0; i < data.Length; i++)
        {
            index.Insert(i, data[i]);
        }

        return index;
    }

    internal static (double RecallAt1, double RecallAt10) MeasureRecall(HnswIndex index, (long Id, float[] Vector)[] live, float[][] queries, int efSearch, Func<long, bool>? filter = null)
    {
        double r1 = 0, r10 = 0;
        var candidates = filter is null ? live : live.Where(x => filter(x.Id)).ToArray();
        foreach (var q in queries)
        {
            var exact = TestVectors.BruteForce(candidates, q, 10);
            var found = index.Search(q, 10, efSearch, filter);
            r10 += TestVectors.Recall(exact, found);
            r1 += found.Length > 0 && exact.Length > 0 && found[0].Id == exact[0].Id ? 1 : 0;
        }

        return (r1 / queries.Length, r10 / queries.Length);
    }
}
