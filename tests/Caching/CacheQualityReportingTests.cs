using LlmGateway.Bench.Caching;
using LlmGateway.Embeddings.Hashing;

namespace LlmGateway.Tests.Caching;

/// <summary>The bench's threshold search says "not reached" and "met at every threshold" instead of grid ends; the simulation serves as the gateway does.</summary>
public sealed class CacheQualityReportingTests
{
    private static QualityHarness.Scored Pair(double cosine, bool duplicate) => new(cosine, GuardAllows: true, duplicate, new LabelledPair("a", "b", duplicate));

    [Fact]
    public void A_bar_never_met_is_not_reached()
    {
        var scored = new[] { Pair(0.999, duplicate: false), Pair(0.95, duplicate: true) };

        var reach = QualityHarness.LowestThresholdWithPrecision(scored, 0.99, guard: false);

        Assert.Null(reach.Lowest);
        Assert.Equal("not reached", reach.ToString());
    }

    [Fact]
    public void A_bar_met_everywhere_says_so()
    {
        var scored = new[] { Pair(0.999, duplicate: true), Pair(0.5, duplicate: true), Pair(0.1, duplicate: false) };

        var reach = QualityHarness.LowestThresholdWithPrecision(scored, 0.99, guard: false);

        Assert.True(reach.Everywhere);
        Assert.Equal(0.30, reach.Lowest);
        Assert.StartsWith("met at every threshold", reach.ToString());
    }

    [Fact]
    public void The_fine_grid_finds_a_bar_met_only_above_0_90()
    {
        var scored = new[] { Pair(0.97, duplicate: true), Pair(0.962, duplicate: false) };

        var reach = QualityHarness.LowestThresholdWithPrecision(scored, 0.99, guard: false);

        Assert.Equal(0.965, reach.Lowest!.Value, 6);
        Assert.False(reach.Everywhere);
    }

    [Fact]
    public async Task The_simulation_serves_an_identical_paraphrase_and_refuses_a_guarded_negative_and_is_deterministic()
    {
        LabelledPair[] pairs =
        [
            new("How do I reset my password?", "How do I reset my password ?!", true),
            new("Is 7 a prime number?", "Is 9 a prime number?", false),
            new("What is the capital of France?", "Who wrote War and Peace?", false),
            new("Why is the sky blue?", "What makes the sky look blue?", true),
        ];
        var simulation = new CacheSimulation(new HashingEmbedder(512));

        var (stored, stream) = await simulation.RunAsync(pairs, perKind: 1, seed: 1);
        var (_, again) = await simulation.RunAsync(pairs, perKind: 1, seed: 1);
        var outcome = CacheSimulation.At(stream, 0.95, guard: true);

        Assert.Equal(2, stored);
        Assert.Equal(3, stream.Count);
        Assert.Equal(stream.Select(q => (q.Kind, q.Source)), again.Select(q => (q.Kind, q.Source)));
        Assert.Equal(0, outcome.HardNegativeHits);
        Assert.Equal(outcome.Hits, outcome.RightHits);
        Assert.True(outcome.HitPrecision == 1.0);
    }

    [Fact]
    public async Task GPTCaches_benchmark_stores_each_origin_once_and_a_rewording_is_right_only_on_its_own_origin()
    {
        LabelledPair[] rewordings =
        [
            new("How do I reset my password?", "How do I reset my password ?!", true),
            new("How do I reset my password?", "how do i reset my password", true),
            new("Is 7 a prime number?", "Is 7 a prime number or not ?", true), // nearer to the next origin than to its own
            new("Is 7 a prime number or not?", "Is 7 a prime number or not ?", true), // the same rewording again: asked once
        ];
        LabelledPair[] qqp = [new("What is the capital of France?", "Who wrote War and Peace?", false), new("Is 7 a prime number?", "Is 9 a prime number?", false)];

        var (stored, stream) = await new CacheSimulation(new HashingEmbedder(512)).RunGptCacheAsync(rewordings, qqp, unrelatedCount: 5, seed: 1);
        var outcome = CacheSimulation.At(stream, 0.9, guard: false);

        Assert.Equal(3, stored);
        Assert.Equal(3, stream.Count(q => q.Kind == CacheSimulation.Kind.Paraphrase));
        // A stored origin is never asked as an unrelated question: only France is.
        Assert.Equal("What is the capital of France?", Assert.Single(stream, q => q.Kind == CacheSimulation.Kind.Unrelated).Text);
        // The prime rewording was served the other origin: wrong, but right with clusters (the two origins share it).
        Assert.Equal(3, outcome.Hits);
        Assert.Equal(2, outcome.RightHits);
        Assert.Equal(3, outcome.ClusterRightHits);
    }

    [Fact]
    public void A_question_served_a_stored_question_of_its_labelled_duplicate_cluster_is_right_only_with_clusters()
    {
        // An "unrelated" question (its pair was not stored) served a question labelled a duplicate of it elsewhere in
        // the data, and a hard negative served a question of another cluster.
        List<CacheSimulation.Query> stream =
        [
            new(CacheSimulation.Kind.Unrelated, -1, "How can I learn Python fast?", [new(0, "How do I learn Python quickly?", 0.97, true, Cluster: 7)], Cluster: 7),
            new(CacheSimulation.Kind.HardNegative, -1, "How do I learn Java quickly?", [new(0, "How do I learn Python quickly?", 0.95, true, Cluster: 7)], Cluster: -1),
        ];

        var outcome = CacheSimulation.At(stream, 0.9, guard: false);

        Assert.Equal(2, outcome.Hits);
        Assert.Equal(0, outcome.RightHits);
        Assert.Equal(1, outcome.ClusterRightHits);
        Assert.Equal(0.0, outcome.HitPrecision);
        Assert.Equal(0.5, outcome.ClusterPrecision);
    }

    [Fact]
    public async Task Questions_joined_by_duplicate_labels_share_a_cluster_and_others_have_none()
    {
        LabelledPair[] pairs =
        [
            new("How do I reset my password?", "How can I reset my password?", true),
            new("How can I reset my password?", "What do I do to reset my password?", true),
            new("Is 7 a prime number?", "Is 9 a prime number?", false),
        ];

        var (_, stream) = await new CacheSimulation(new HashingEmbedder(512)).RunAsync(pairs, perKind: 5, seed: 3);

        var paraphrase = Assert.Single(stream, q => q.Kind == CacheSimulation.Kind.Paraphrase);
        var source = Assert.Single(paraphrase.Nearest, c => c.Stored == paraphrase.Source);
        Assert.True(paraphrase.Cluster >= 0);
        Assert.Equal(paraphrase.Cluster, source.Cluster);
        var negative = Assert.Single(stream, q => q.Kind == CacheSimulation.Kind.HardNegative);
        Assert.Equal(-1, negative.Cluster);
        Assert.All(negative.Nearest.Where(c => c.Text.StartsWith("Is 7", StringComparison.Ordinal)), c => Assert.Equal(-1, c.Cluster));
        Assert.All(stream.SelectMany(q => q.Nearest).Where(c => c.Text.Contains("password", StringComparison.Ordinal)), c => Assert.Equal(paraphrase.Cluster, c.Cluster));
    }
}
