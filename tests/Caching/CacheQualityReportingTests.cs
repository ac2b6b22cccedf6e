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
}
