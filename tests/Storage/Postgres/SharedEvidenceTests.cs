using LlmGateway.Caching;
using LlmGateway.Caching.Verified;
using LlmGateway.Demo;
using LlmGateway.Tests.Caching;
using LlmGateway.Tests.Caching.Verified;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Storage.Postgres;

/// <summary>The verified cache's evidence is stored with the entry, so replicas on one database share it (issue 18).</summary>
[Collection(PostgresCollection.Name)]
public sealed class SharedEvidenceTests(PostgresServer server)
{
    private static async Task<string?> AskAsync(GatewayHost gateway, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(CacheTestHost.Chat(question)) };
        VerifiedCacheHost.SameAnswer(request.Headers);
        using var response = await gateway.Client().SendAsync(request);
        response.EnsureSuccessStatusCode();
        return VerifiedCacheHost.Reason(response);
    }

    private static SemanticCache Cache(GatewayHost gateway) => gateway.App.Services.GetRequiredService<SemanticCache>();

    private static long Pooled(GatewayHost gateway) => Cache(gateway).EvidencePools.All().Sum(p => p.Pool.Observations);

    private static async Task WaitForEvidenceAsync(GatewayHost gateway, int count)
    {
        await Eventually.ReadAsync(() => Cache(gateway).EvidenceFor(VerifiedCacheHost.Question).Length, n => n >= count);
        await Eventually.ReadAsync(() => gateway.App.Services.GetRequiredService<ExplorationVerifier>().Pending + Cache(gateway).PendingIndexing, n => n == 0);
    }

    [Fact]
    public async Task Evidence_recorded_on_one_replica_reaches_the_others_and_each_pool_counts_it_once()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = GatewayHost.BasicSettings(upstream.BaseUrl);
        settings["Gateway:Storage:Provider"] = "postgres";
        settings["Gateway:Storage:ConnectionString"] = await server.CreateDatabaseAsync();
        settings["Gateway:Cache:Threshold"] = "0.5";
        settings["Gateway:Cache:MaxErrorRate"] = "0.5";
        settings["Gateway:Cache:ExploreFloor"] = "0";
        await using var a = await GatewayHost.StartAsync(settings, VerifiedCacheHost.Seeded);
        await using var b = await GatewayHost.StartAsync(settings, VerifiedCacheHost.Seeded);

        Assert.Null(await AskAsync(a, VerifiedCacheHost.Question));
        await Eventually.ReadAsync(() => Cache(a).PendingIndexing, n => n == 0);
        Assert.Equal("explore", await AskAsync(a, VerifiedCacheHost.Paraphrase));
        await WaitForEvidenceAsync(a, 1);

        // B follows A's rewrite of the entry: the evidence comes with it, and B's pool counts it once.
        await WaitForEvidenceAsync(b, 1);
        Assert.Equal(1, Pooled(b));

        Assert.Equal("explore", await AskAsync(b, VerifiedCacheHost.Paraphrase));
        await WaitForEvidenceAsync(b, 2);
        await WaitForEvidenceAsync(a, 2);
        Assert.Equal(2, Pooled(a));
        Assert.Equal(2, Pooled(b));

        await using var c = await GatewayHost.StartAsync(settings, VerifiedCacheHost.Seeded);
        Assert.Equal(2, Cache(c).EvidenceFor(VerifiedCacheHost.Question).Length);
        Assert.Equal(2, Pooled(c));
    }
}
