using LlmGateway.Embeddings;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Caching;

/// <summary>
/// A miss's answer serves exact hits at once; its question is embedded and indexed by background workers from a bounded
/// queue that drops (and counts) what it cannot take, and drains at shutdown. The embedder here waits at a gate the test
/// opens, so "not yet embedded" is a state the test holds, not a race it hopes to win.
/// </summary>
public sealed class CacheBackgroundIndexingTests
{
    private const string Stored = "How do I reset my password?";
    private const string Reworded = "How can I reset the password?";

    private static Task<CacheTestHost> StartAsync(GatedEmbedder embedder, string? storage = null, Action<Dictionary<string, string?>>? settings = null) =>
        CacheTestHost.StartAsync(s =>
        {
            // No threshold (unless a test sets one): the lookup embeds nothing, so only the background waits at the gate.
            s["Gateway:Cache:IndexWorkers"] = "1";
            settings?.Invoke(s);
        }, builder => builder.Services.AddSingleton<ITextEmbedder>(embedder), storage: storage);

    private static async Task<HttpResponseMessage> SendAsync(CacheTestHost host, string question)
    {
        var response = await host.Gateway.Client().PostAsync("/v1/chat/completions", Json.Body(CacheTestHost.Chat(question)));
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    [Fact]
    public async Task An_indexed_answer_serves_exact_and_semantic_hits()
    {
        using var embedder = new GatedEmbedder();
        await using var host = await StartAsync(embedder, settings: s => s["Gateway:Cache:Threshold"] = (CacheTestHost.Similarity(Stored, Reworded) - 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture));

        embedder.Open(); // the lookup embeds too when a threshold is set: its vector is the one indexed
        using var miss = await SendAsync(host, Stored);
        await host.WaitForIndexingAsync();
        using var exact = await SendAsync(host, Stored);
        using var semantic = await SendAsync(host, Reworded);

        Assert.Equal("MISS", CacheTestHost.XCache(miss));
        Assert.Equal("exact", exact.Headers.GetValues("x-cache-tier").Single());
        Assert.Equal("semantic", semantic.Headers.GetValues("x-cache-tier").Single());
    }

    [Fact]
    public async Task A_miss_embeds_its_question_once_and_an_exact_hit_not_at_all()
    {
        using var embedder = new GatedEmbedder();
        // With a threshold the lookup embeds the question; the background indexes that vector instead of embedding again.
        await using var host = await StartAsync(embedder, settings: s => s["Gateway:Cache:Threshold"] = "0.9");

        embedder.Open();
        using var miss = await SendAsync(host, Stored);
        await host.WaitForIndexingAsync();
        using var exact = await SendAsync(host, Stored);

        Assert.Equal("MISS", CacheTestHost.XCache(miss));
        Assert.Equal("exact", exact.Headers.GetValues("x-cache-tier").Single());
        Assert.True(host.Cache.Entries.Single().InIndex);
        Assert.Equal(new Dictionary<string, int> { [Stored] = 1 }, embedder.Embedded.ToDictionary());
    }

    [Fact]
    public async Task The_exact_tier_does_not_wait_for_embedding()
    {
        using var embedder = new GatedEmbedder();
        await using var host = await StartAsync(embedder);

        using var miss = await SendAsync(host, Stored);
        using var hit = await SendAsync(host, Stored);
        var pendingWhileHit = host.Cache.PendingIndexing;
        embedder.Open();
        await host.WaitForIndexingAsync();

        Assert.Equal("MISS", CacheTestHost.XCache(miss));
        Assert.Equal("HIT", CacheTestHost.XCache(hit));
        Assert.Equal(1, pendingWhileHit);
        Assert.Single(host.Upstream.Requests);
    }

    [Fact]
    public async Task A_full_queue_drops_the_semantic_store_counts_it_and_keeps_the_exact_one()
    {
        using var embedder = new GatedEmbedder();
        await using var host = await StartAsync(embedder, settings: s => s["Gateway:Cache:IndexQueueCapacity"] = "1");

        // The worker takes the first answer and waits at the gate; the second fills the queue; the third finds it full.
        using var first = await SendAsync(host, "first question");
        await Eventually.ReadAsync(() => embedder.Waiting, n => n == 1);
        using var second = await SendAsync(host, "second question");
        using var third = await SendAsync(host, "third question");
        var dropped = await Metrics.MetricsScrape.WhenAsync(host.Gateway, m => m.Sum("llm_gateway_cache_store_dropped_total", ("reason", "queue_full")) >= 1);
        using var thirdAgain = await SendAsync(host, "third question");
        embedder.Open();
        await host.WaitForIndexingAsync();

        Assert.Equal(1, dropped.Sum("llm_gateway_cache_store_dropped_total", ("reason", "queue_full")));
        Assert.Equal("HIT", CacheTestHost.XCache(thirdAgain));
        Assert.Equal(3, host.Cache.Count);
        Assert.Equal(2, host.Cache.Entries.Count(e => e.InIndex));
    }

    [Fact]
    public async Task Shutdown_indexes_what_is_queued_before_the_last_snapshot()
    {
        var storage = GatewayHost.NewStoragePath();
        using var embedder = new GatedEmbedder();
        var first = await StartAsync(embedder, storage);
        using (var miss = await SendAsync(first, Stored))
            Assert.Equal("MISS", CacheTestHost.XCache(miss));
        Assert.Equal(1, first.Cache.PendingIndexing);

        var stopping = first.Gateway.App.StopAsync();
        embedder.Open();
        await stopping;
        await first.DisposeAsync();

        using var again = new GatedEmbedder();
        again.Open();
        await using var second = await StartAsync(again, storage, s => s["Gateway:Cache:Threshold"] = "0.5");
        using var semantic = await SendAsync(second, Reworded);

        Assert.Equal("semantic", semantic.Headers.GetValues("x-cache-tier").Single());
        Assert.Empty(second.Upstream.Requests);
    }
}
