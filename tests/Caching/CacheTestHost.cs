using System.Net.Http.Headers;
using LlmGateway.Caching;
using LlmGateway.Demo;
using LlmGateway.Embeddings.Hashing;
using Microsoft.Extensions.DependencyInjection;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace LlmGateway.Tests.Caching;

/// <summary>A fake upstream and a gateway with the cache on, plus helpers to ask and read X-Cache.</summary>
internal sealed class CacheTestHost : IAsyncDisposable
{
    public const string ThirdTeamKey = "sk-gw-test-team-c";

    private CacheTestHost(FakeUpstream upstream, GatewayHost gateway, string storage)
    {
        Upstream = upstream;
        Gateway = gateway;
        Storage = storage;
    }

    public FakeUpstream Upstream { get; }
    public GatewayHost Gateway { get; }
    public string Storage { get; }

    public static async Task<CacheTestHost> StartAsync(Action<Dictionary<string, string?>>? settings = null, Action<WebApplicationBuilder>? configure = null,
        FakeUpstream? upstream = null, string? storage = null)
    {
        upstream ??= await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        storage ??= GatewayHost.NewStoragePath();
        var values = GatewayHost.BasicSettings(upstream.BaseUrl);
        values["Gateway:Storage:Path"] = storage;
        values["Gateway:Teams:team-b:Models:0"] = "gpt-4o-mini";
        values["Gateway:Models:other-model:Provider"] = "main";
        values["Gateway:Teams:team-c:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(ThirdTeamKey);
        settings?.Invoke(values);
        var gateway = await GatewayHost.StartAsync(values, configure);
        return new CacheTestHost(upstream, gateway, storage);
    }

    public async Task<HttpResponseMessage> AskAsync(string body, string key = GatewayHost.TeamKey, Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(body) };
        headers?.Invoke(request.Headers);
        var response = await Gateway.Client(key).SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        if (XCache(response) == "MISS")
            await WaitForIndexingAsync();
        return response;
    }

    public SemanticCache Cache => Gateway.App.Services.GetRequiredService<SemanticCache>();

    /// <summary>
    /// A miss's answer serves exact hits before the client has it; its question reaches the vector index in the background:
    /// wait until the background has caught up (semantic hits need it).
    /// </summary>
    public Task WaitForIndexingAsync() => Eventually.ReadAsync(() => Cache.PendingIndexing, pending => pending == 0);

    /// <summary>Waits until the cache holds <paramref name="count"/> entries.</summary>
    public Task WaitForEntriesAsync(int count) => Eventually.ReadAsync(() => Cache.Count, n => n >= count);

    /// <summary>Waits until the cache has counted <paramref name="count"/> answers it did not store for <paramref name="reason"/>.</summary>
    public Task WaitForNotStoredAsync(string reason, int count = 1) =>
        Metrics.MetricsScrape.WhenAsync(Gateway, m => m.Sum("llm_gateway_cache_not_stored_total", ("reason", reason)) >= count);

    public static string Chat(string question, string model = "gpt-4o-mini", string? system = null, double? temperature = null, bool stream = false, string? extra = null)
    {
        var messages = system is null ? "" : $"{{\"role\":\"system\",\"content\":{System.Text.Json.JsonSerializer.Serialize(system)}}},";
        messages += $"{{\"role\":\"user\",\"content\":{System.Text.Json.JsonSerializer.Serialize(question)}}}";
        var body = $"{{\"model\":\"{model}\",\"messages\":[{messages}],\"stream\":{(stream ? "true" : "false")}";
        if (temperature is { } t) body += $",\"temperature\":{t.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        if (extra is not null) body += "," + extra;
        return body + "}";
    }

    /// <summary>Cosine of two texts under the test gateway's embedder (hashing, 512 dimensions), to set thresholds just below a pair.</summary>
    public static double Similarity(string a, string b)
    {
        var embedder = new HashingEmbedder(512);
        var x = embedder.EmbedAsync(a, default).AsTask().Result;
        var y = embedder.EmbedAsync(b, default).AsTask().Result;
        return System.Numerics.Tensors.TensorPrimitives.Dot(x, y);
    }

    public static string XCache(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-cache", out var values) ? values.Single() : "(none)";

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Upstream.DisposeAsync();
    }
}
