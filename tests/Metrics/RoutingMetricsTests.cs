using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Metrics;

/// <summary>Upstream errors by reason and fallbacks taken, through the real failover step.</summary>
public sealed class RoutingMetricsTests : IAsyncLifetime
{
    private FakeUpstream _fallback = null!;

    public async Task InitializeAsync() => _fallback = await FakeUpstream.StartAsync(new FakeUpstreamOptions());

    public async Task DisposeAsync() => await _fallback.DisposeAsync();

    private Task<GatewayHost> StartAsync(string primaryUrl, string timeout = "00:00:30") =>
        GatewayHost.StartAsync(Routing.FailoverTests.PrimaryWithBackup(primaryUrl, _fallback.BaseUrl, timeout));

    [Theory]
    [InlineData(503, "5xx")]
    [InlineData(429, "4xx")]
    public async Task A_retryable_status_counts_an_upstream_error_and_a_fallback(int status, string reason)
    {
        await using var failing = await FakeUpstream.StartAsync(new FakeUpstreamOptions { FailStatus = status });
        await using var gateway = await StartAsync(failing.BaseUrl);

        using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Scrape until both attempts are in: a busy machine once scraped before the first attempt's error was there,
        // and once before the answering attempt's upstream duration was (it is recorded when its body ends).
        var m = await MetricsScrape.WhenAsync(gateway,
            m => m.Sum("llm_gateway_upstream_errors_total") >= 1 && m.Sum("llm_gateway_requests_total") >= 1
                && m.Sum("llm_gateway_upstream_duration_seconds_count") >= 1);

        Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total", ("provider", "first"), ("reason", reason)));
        Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total"));
        Assert.Equal(1, m.Sum("llm_gateway_fallbacks_total", ("model", "primary"), ("provider", "first"), ("reason", reason)));
        // The request is reported under the model asked for and the provider that answered.
        Assert.Equal(1, m.Sum("llm_gateway_requests_total", ("model", "primary"), ("provider", "second"), ("status_class", "2xx")));
        Assert.Equal(1, m.Sum("llm_gateway_upstream_duration_seconds_count", ("model", "backup"), ("provider", "second")));
    }

    [Fact]
    public async Task A_connect_failure_and_a_timeout_are_told_apart()
    {
        // Its clock never moves, so it never answers: only the gateway's timeout can end the request, however slow the machine.
        await using var slow = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 10_000 }, time: new FakeTimeProvider());
        await using (var gateway = await StartAsync($"http://127.0.0.1:{TcpPorts.Unused()}/v1"))
        {
            using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var m = await MetricsScrape.ParsedAsync(gateway);
            Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total", ("provider", "first"), ("reason", "connect")));
            Assert.Equal(1, m.Sum("llm_gateway_fallbacks_total", ("reason", "connect")));
        }
        await using (var gateway = await StartAsync(slow.BaseUrl, timeout: "00:00:00.300"))
        {
            using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("primary", "hello"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var m = await MetricsScrape.ParsedAsync(gateway);
            Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total", ("provider", "first"), ("reason", "timeout")));
            Assert.Equal(1, m.Sum("llm_gateway_fallbacks_total", ("reason", "timeout")));
        }
    }

    [Fact]
    public async Task A_stream_cut_by_the_provider_counts_as_a_reset_without_a_fallback()
    {
        // The provider's chunk cadence runs on a clock the test moves, so its reset comes only after the client has seen
        // a chunk. With the cadence in real time a busy machine once read nothing before the reset, which discarded the
        // unread headers: a connect error and a fallback, not a cut stream.
        var upstreamClock = new FakeTimeProvider();
        await using var breaking = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 100 }, time: upstreamClock);
        await using var gateway = await StartAsync(breaking.BaseUrl);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("primary", "one two three four", stream: true) };
        request.Headers.Add("x-fake-reset-after-chunks", "2");
        using (var response = await gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead))
        {
            var body = await response.Content.ReadAsStreamAsync();
            var events = 0;
            var reading = Task.Run(async () =>
            {
                await foreach (var _ in Sse.ReadDataAsync(body))
                    Interlocked.Increment(ref events);
            });
            await Eventually.ReadAsync(() => Volatile.Read(ref events) > 0 || reading.IsCompleted, seen => seen);
            Assert.True(Volatile.Read(ref events) > 0); // bytes reached the client before the cut
            await Eventually.ReadAsync(() => { upstreamClock.Advance(TimeSpan.FromMilliseconds(100)); return reading.IsCompleted; }, ended => ended);
            Assert.NotNull(await Record.ExceptionAsync(() => reading)); // the cut reaches the client
        }

        var m = await MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_upstream_errors_total") > 0);

        Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total", ("provider", "first"), ("reason", "reset")));
        Assert.Equal(0, m.Sum("llm_gateway_fallbacks_total"));
    }
}
