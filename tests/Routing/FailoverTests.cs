using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Routing;

public sealed class FailoverTests : IAsyncLifetime
{
    private FakeUpstream _fallback = null!;

    public async Task InitializeAsync() =>
        _fallback = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });

    public async Task DisposeAsync() => await _fallback.DisposeAsync();

    private Task<GatewayHost> StartGatewayAsync(string primaryUrl, string timeout = "00:00:30") =>
        GatewayHost.StartAsync(PrimaryWithBackup(primaryUrl, _fallback.BaseUrl, timeout));

    /// <summary>Model "primary" on <paramref name="primaryUrl"/> falls back to model "backup" (upstream name "backup-upstream") on <paramref name="backupUrl"/>.</summary>
    internal static Dictionary<string, string?> PrimaryWithBackup(string primaryUrl, string backupUrl, string timeout = "00:00:30") => new()
    {
        ["Gateway:Providers:first:BaseUrl"] = primaryUrl,
        ["Gateway:Providers:first:Timeout"] = timeout,
        ["Gateway:Providers:second:BaseUrl"] = backupUrl,
        ["Gateway:Models:primary:Provider"] = "first",
        ["Gateway:Models:primary:Fallbacks:0"] = "backup",
        ["Gateway:Models:backup:Provider"] = "second",
        ["Gateway:Models:backup:UpstreamModel"] = "backup-upstream",
        ["Gateway:Teams:t:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(GatewayHost.TeamKey),
    };

    [Theory]
    [InlineData(500)]
    [InlineData(503)]
    [InlineData(429)]
    public async Task A_retryable_status_falls_back_to_the_next_model(int status)
    {
        await using var failing = await FakeUpstream.StartAsync(new FakeUpstreamOptions { FailStatus = status, RecordRequests = true });
        await using var gateway = await StartGatewayAsync(failing.BaseUrl);

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("backup-upstream", (await Json.ReadObjectAsync(response))["model"]!.GetValue<string>());
        Assert.Single(failing.Requests);
        Assert.Equal("backup-upstream", JsonNode.Parse(Assert.Single(_fallback.Requests).Body)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_bypassed_request_that_falls_back_still_says_it_bypassed_the_cache()
    {
        // The failover clears the failed attempt's response: the cache's headers must be set when the answer starts.
        await using var failing = await FakeUpstream.StartAsync(new FakeUpstreamOptions { FailStatus = 503 });
        await using var gateway = await StartGatewayAsync(failing.BaseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("primary", "hello") };
        request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };

        using var response = await gateway.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fallback.Requests);
        Assert.Equal("BYPASS", Assert.Single(response.Headers.GetValues("x-cache")));
        Assert.Equal("no_store", Assert.Single(response.Headers.GetValues("x-cache-reason")));
    }

    [Fact]
    public async Task A_timeout_falls_back_to_the_next_model()
    {
        // Its clock never moves, so it never answers: only the gateway's timeout can end the request, however slow the machine.
        await using var slow = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 10_000 }, time: new FakeTimeProvider());
        await using var gateway = await StartGatewayAsync(slow.BaseUrl, timeout: "00:00:00.500");

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fallback.Requests);
    }

    [Fact]
    public async Task A_connect_failure_falls_back_to_the_next_model()
    {
        await using var gateway = await StartGatewayAsync($"http://127.0.0.1:{TcpPorts.Unused()}/v1");

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(_fallback.Requests);
    }

    [Fact]
    public async Task No_fallback_is_taken_once_bytes_reached_the_client()
    {
        // The provider's chunk cadence runs on a clock the test moves: it sends its first chunk, then waits until the test
        // has seen that chunk arrive at the client, and only then goes on to its reset after the third.
        var upstreamClock = new FakeTimeProvider();
        await using var breaking = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 100 }, time: upstreamClock);
        await using var gateway = await StartGatewayAsync(breaking.BaseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("primary", "one two three", stream: true) };
        request.Headers.Add("x-fake-reset-after-chunks", "3");

        using var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var events = new List<string>();
        var body = await response.Content.ReadAsStreamAsync();
        var reading = Task.Run(async () =>
        {
            await foreach (var data in Sse.ReadDataAsync(body))
                lock (events) events.Add(data);
        });
        await Eventually.ReadAsync(() => { lock (events) return events.Count > 0 || reading.IsCompleted; }, seen => seen);
        Assert.NotEmpty(events); // bytes reached the client before anything broke
        // Each poll moves the provider's clock one chunk on, until the reset ends the stream.
        await Eventually.ReadAsync(() => { upstreamClock.Advance(TimeSpan.FromMilliseconds(100)); return reading.IsCompleted; }, ended => ended);
        var broken = await Record.ExceptionAsync(() => reading);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(broken);
        // At most the 3 chunks sent before the reset: the reset YARP passes on can overtake the last ones on a busy machine.
        Assert.InRange(events.Count, 1, 3);
        Assert.DoesNotContain("[DONE]", events);
        Assert.Empty(_fallback.Requests);
    }

    [Fact]
    public async Task When_no_fallback_remains_the_providers_error_is_passed_through_unchanged()
    {
        await using var failing = await FakeUpstream.StartAsync(new FakeUpstreamOptions { FailStatus = 503 });
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(failing.BaseUrl));

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hello"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("{\"error\":{\"message\":\"fake upstream error 503\",\"type\":\"server_error\",\"param\":null,\"code\":null}}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Unreachable_provider_without_fallback_is_a_502_and_a_timeout_a_504()
    {
        var unreachable = GatewayHost.BasicSettings($"http://127.0.0.1:{TcpPorts.Unused()}/v1");
        // Its clock never moves, so it never answers: only the gateway's timeout can end the request, however slow the machine.
        await using var slow = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 10_000 }, time: new FakeTimeProvider());
        var timingOut = GatewayHost.BasicSettings(slow.BaseUrl);
        timingOut["Gateway:Providers:main:Timeout"] = "00:00:00.300";
        await using var gateway1 = await GatewayHost.StartAsync(unreachable);
        await using var gateway2 = await GatewayHost.StartAsync(timingOut);

        using var r502 = await gateway1.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hello"));
        using var r504 = await gateway2.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hello"));

        await Json.AssertOpenAiErrorAsync(r502, 502, code: "provider_unreachable");
        await Json.AssertOpenAiErrorAsync(r504, 504, code: "provider_timeout");
    }

    [Fact]
    public async Task Several_destinations_of_one_provider_share_the_load()
    {
        await using var a = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        await using var b = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = GatewayHost.BasicSettings(a.BaseUrl);
        settings["Gateway:Providers:main:BaseUrls:0"] = b.BaseUrl;
        settings["Gateway:Providers:main:LoadBalancingPolicy"] = "RoundRobin";
        await using var gateway = await GatewayHost.StartAsync(settings);

        for (var i = 0; i < 10; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "hello") };
            request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
            (await gateway.Client().SendAsync(request)).EnsureSuccessStatusCode();
        }

        Assert.Equal(5, a.Requests.Count);
        Assert.Equal(5, b.Requests.Count);
    }
}
