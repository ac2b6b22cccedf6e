using System.Globalization;
using LlmGateway.Tests.Metrics;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// An evicted answer's vector leaves the index in the background (a removal can set off a compaction of the graph,
/// which must not hold up the store that evicted), in the same per-id queue as inserts: so an answer evicted and then
/// stored again is indexed again, not refused as "already in the index".
/// </summary>
public sealed class CacheEvictedVectorTests
{
    private const string Stored = "How do I reset my password?";
    private const string Reworded = "How can I reset the password?";

    [Fact]
    public async Task An_evicted_answer_leaves_the_index_and_is_indexed_again_when_stored_again()
    {
        await using var host = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Cache:MaxEntries"] = "1";
            s["Gateway:Cache:IndexWorkers"] = "1";
            s["Gateway:Cache:Threshold"] = (CacheTestHost.Similarity(Stored, Reworded) - 0.001).ToString(CultureInfo.InvariantCulture);
        });

        using var first = await host.AskAsync(CacheTestHost.Chat(Stored));
        await host.WaitForIndexingAsync();
        var afterFirst = await Vectors(host);
        // Over MaxEntries 1, eviction goes down to 95 % of it: both answers go.
        using var other = await host.AskAsync(CacheTestHost.Chat("What is the capital of France?"));
        await host.WaitForIndexingAsync();
        var afterEviction = await Vectors(host);
        using var again = await host.AskAsync(CacheTestHost.Chat(Stored)); // the same key, so the same id as the first
        await host.WaitForIndexingAsync();
        var afterAgain = await Vectors(host);
        using var reworded = await host.AskAsync(CacheTestHost.Chat(Reworded));

        Assert.Equal(["MISS", "MISS", "MISS"], new[] { first, other, again }.Select(CacheTestHost.XCache));
        Assert.Equal([1d, 0d, 1d], new[] { afterFirst, afterEviction, afterAgain });
        Assert.Equal(1, host.Cache.Count);
        Assert.Equal("semantic", reworded.Headers.GetValues("x-cache-tier").Single());
    }

    private static async Task<double> Vectors(CacheTestHost host) =>
        (await MetricsScrape.ParsedAsync(host.Gateway)).Sum("llm_gateway_cache_vectors");
}
