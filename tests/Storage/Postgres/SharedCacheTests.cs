using LlmGateway.Caching;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>Replicas on one database share the cache: an answer stored by one is a hit on another, and a replica started later loads it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedCacheTests(PostgresServer server)
{
    private async Task<Dictionary<string, string?>> SharedSettingsAsync(string upstream)
    {
        var settings = GatewayHost.BasicSettings(upstream);
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync();
        return settings;
    }

    [Fact]
    public async Task An_answer_stored_by_one_replica_is_a_hit_on_another_and_on_one_started_later()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = await SharedSettingsAsync(upstream.BaseUrl);
        await using var a = await GatewayHost.StartAsync(settings);
        await using var b = await GatewayHost.StartAsync(settings);
        var bCache = b.App.Services.GetRequiredService<SemanticCache>();
        Assert.Equal(0, bCache.Count);

        using (var miss = await a.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "what is the boiling point of water at sea level")))
        {
            miss.EnsureSuccessStatusCode();
            Assert.False(miss.Headers.Contains("x-cache-tier"));
        }
        // B never saw the question: it has the entry only once it followed A's write (LISTEN/NOTIFY + catch-up).
        Assert.Equal(1, await Eventually.ReadAsync(() => bCache.Count, n => n >= 1));
        var forwardedBefore = upstream.Requests.Count;
        Assert.Equal(1, forwardedBefore);
        using (var hit = await b.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "what is the boiling point of water at sea level")))
        {
            hit.EnsureSuccessStatusCode();
            Assert.Equal("exact", hit.Headers.GetValues("x-cache-tier").Single());
        }
        Assert.Equal(forwardedBefore, upstream.Requests.Count);

        await using var c = await GatewayHost.StartAsync(settings);
        using var later = await c.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "what is the boiling point of water at sea level"));
        Assert.Equal("exact", later.Headers.GetValues("x-cache-tier").Single());
    }

    [Fact]
    public async Task A_purge_on_one_replica_removes_the_entry_from_the_others()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = await SharedSettingsAsync(upstream.BaseUrl);
        await using var a = await GatewayHost.StartAsync(settings);
        await using var b = await GatewayHost.StartAsync(settings);
        (await a.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "name three primary colours"))).EnsureSuccessStatusCode();
        var bCache = b.App.Services.GetRequiredService<SemanticCache>();
        Assert.Equal(1, await Eventually.ReadAsync(() => bCache.Count, n => n >= 1));

        Assert.Equal(1, a.App.Services.GetRequiredService<SemanticCache>().Purge(_ => true));

        Assert.Equal(0, await Eventually.ReadAsync(() => bCache.Count, n => n == 0));
        using var after = await b.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "name three primary colours"));
        Assert.False(after.Headers.Contains("x-cache-tier"));
    }
}
