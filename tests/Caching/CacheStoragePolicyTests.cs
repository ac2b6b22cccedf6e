using System.Net;
using System.Net.Http.Headers;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Caching;

/// <summary>What is never stored, and what the request headers control.</summary>
public sealed class CacheStoragePolicyTests
{
    [Theory]
    [InlineData("x-fake-status", "500")]
    [InlineData("x-fake-finish-reason", "content_filter")]
    public async Task Errors_and_filtered_answers_are_not_stored(string header, string value)
    {
        await using var host = await CacheTestHost.StartAsync();
        var body = CacheTestHost.Chat("Tell me something");

        using var first = await host.AskAsync(body, headers: h => h.Add(header, value));
        using var second = await host.AskAsync(body);

        Assert.Equal("MISS", CacheTestHost.XCache(first));
        Assert.Equal("MISS", CacheTestHost.XCache(second));
        Assert.Equal(2, host.Upstream.Requests.Count);
    }

    [Fact]
    public async Task A_stream_cut_short_by_the_provider_is_not_stored()
    {
        await using var host = await CacheTestHost.StartAsync();
        var body = CacheTestHost.Chat("A long story please", stream: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(body) };
        request.Headers.Add("x-fake-reset-after-chunks", "3");
        using var response = await host.Gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await Assert.ThrowsAnyAsync<Exception>(() => response.Content.ReadAsStringAsync());
        await host.WaitForNotStoredAsync("incomplete");

        Assert.Equal(0, host.Cache.Count);
    }

    [Fact]
    public async Task A_stream_the_client_abandons_is_not_stored()
    {
        // The upstream's clock never moves, so the stream is still going when the client leaves, however slow the machine.
        await using var host = await CacheTestHost.StartAsync(upstream: await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 200 }, time: new FakeTimeProvider()));
        var client = host.Gateway.Client(abortOnDispose: true);
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Body(CacheTestHost.Chat("abandon me", stream: true)) })
        {
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await (await response.Content.ReadAsStreamAsync()).ReadAtLeastAsync(new byte[32], 1);
            response.Dispose();
            client.Dispose();
        }
        await host.WaitForNotStoredAsync("incomplete");

        Assert.Equal(0, host.Cache.Count);
    }

    [Fact]
    public async Task No_store_neither_looks_up_nor_stores_and_no_cache_skips_the_lookup_but_stores()
    {
        await using var host = await CacheTestHost.StartAsync();
        var body = CacheTestHost.Chat("Cache control?");
        await host.AskAsync(body);

        using var noStore = await host.AskAsync(CacheTestHost.Chat("Never keep this"), headers: h => h.CacheControl = new CacheControlHeaderValue { NoStore = true });
        using var noCache = await host.AskAsync(body, headers: h => h.CacheControl = new CacheControlHeaderValue { NoCache = true });
        using var afterNoStore = await host.AskAsync(CacheTestHost.Chat("Never keep this"), headers: h => h.CacheControl = new CacheControlHeaderValue { NoStore = true });

        Assert.Equal("BYPASS", CacheTestHost.XCache(noStore));
        Assert.Equal("MISS", CacheTestHost.XCache(noCache));
        Assert.Equal("BYPASS", CacheTestHost.XCache(afterNoStore));
        // The rule that refused is named (Policies/).
        Assert.Equal(["no_store", "no_cache"], new[] { noStore, noCache }.Select(r => r.Headers.GetValues("x-cache-reason").Single()));
        Assert.Equal(1, host.Cache.Count);
        Assert.Equal(4, host.Upstream.Requests.Count);
    }

    [Fact]
    public async Task An_answer_from_a_fallback_model_is_not_stored_under_the_requested_model()
    {
        await using var failing = await FakeUpstream.StartAsync(new FakeUpstreamOptions { FailStatus = 500 });
        await using var host = await CacheTestHost.StartAsync(s =>
        {
            s["Gateway:Providers:broken:BaseUrl"] = failing.BaseUrl;
            s["Gateway:Models:flaky:Provider"] = "broken";
            s["Gateway:Models:flaky:Fallbacks:0"] = "gpt-4o-mini";
        });

        using var response = await host.AskAsync(CacheTestHost.Chat("fallback?", model: "flaky"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, host.Cache.Count);
    }
}
