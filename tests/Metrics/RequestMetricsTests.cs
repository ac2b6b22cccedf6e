using System.Net;
using System.Text.RegularExpressions;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Metrics;

/// <summary>The request, upstream and overhead families recorded by the real gateway in front of the fake provider.</summary>
public sealed class RequestMetricsTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    [Fact]
    public async Task Requests_are_counted_by_team_model_provider_cache_and_status_class()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        using var client = gateway.Client();
        using (var noStore = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "one") })
        {
            noStore.Headers.Add("Cache-Control", "no-store");
            using var r = await client.SendAsync(noStore);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using (var r = await client.PostAsync("/v1/chat/completions", Json.Chat("gpt-4o-mini", "two", stream: true))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // Ask the same question until the cache answers it (it stores once the first answer is complete). The answer's
        // x-cache header says which it was: a scrape could miss a request still finishing its pipeline.
        var sent = 2;
        for (var hit = false; !hit && sent < 40; sent++)
        {
            using var r = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "three"));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            hit = r.Headers.TryGetValues("x-cache", out var cache) && cache.Single() == "HIT";
            if (!hit) await Task.Delay(50);
        }
        using (var r = await gateway.Client("sk-wrong").PostAsync("/v1/chat/completions", Json.Chat("mini", "four"))) Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
        using (var r = await client.PostAsync("/v1/chat/completions", Json.Chat("no-such-model", "five"))) Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
        await gateway.Client(key: null).GetAsync("/healthz");

        // A request is counted as its pipeline returns, just after its client has the answer: wait until all are.
        var m = await MetricsScrape.WhenAsync(gateway, p => p.Sum("llm_gateway_requests_total") >= sent + 2
            && p.Sum("llm_gateway_overhead_seconds_count") >= sent + 2
            && p.Sum("llm_gateway_upstream_duration_seconds_count") >= sent - 1);

        // The alias is reported under the configured model name; the cache label comes from the cache's verdict.
        Assert.Equal(1, m.Sum("llm_gateway_requests_total", ("team", "team-a"), ("model", "gpt-4o-mini"), ("provider", "main"), ("cache", "bypass"), ("status_class", "2xx")));
        Assert.Equal(sent - 2, m.Sum("llm_gateway_requests_total", ("team", "team-a"), ("model", "gpt-4o-mini"), ("provider", "main"), ("cache", "miss"), ("status_class", "2xx")));
        // A hit never went upstream: no provider.
        Assert.Equal(1, m.Sum("llm_gateway_requests_total", ("team", "team-a"), ("model", "gpt-4o-mini"), ("provider", "none"), ("cache", "hit"), ("status_class", "2xx")));
        Assert.Equal(1, m.Sum("llm_gateway_requests_total", ("team", "none"), ("status_class", "4xx")));
        Assert.Equal(1, m.Sum("llm_gateway_requests_total", ("team", "team-a"), ("provider", "none"), ("status_class", "4xx")));
        // Health checks and scrapes are not LLM requests.
        Assert.Equal(sent + 2, m.Sum("llm_gateway_requests_total"));
        Assert.Equal(sent + 2, m.Sum("llm_gateway_request_duration_seconds_count"));
        Assert.DoesNotContain(m.Find("llm_gateway_requests_total"), s => s["model"] == "no-such-model");
        Assert.Equal(sent - 1, m.Sum("llm_gateway_upstream_duration_seconds_count", ("provider", "main"), ("model", "gpt-4o-mini")));
        Assert.Equal(sent - 1, m.Sum("llm_gateway_time_to_first_token_seconds_count", ("provider", "main"), ("model", "gpt-4o-mini")));
        Assert.Equal(1, m.Sum("llm_gateway_overhead_seconds_count", ("cache", "hit")));
        Assert.Equal(sent + 2, m.Sum("llm_gateway_overhead_seconds_count"));
    }

    [Fact]
    public async Task Upstream_time_and_time_to_first_token_are_measured_and_overhead_is_the_rest()
    {
        // The gateway measures on a fake clock that only the upstream's waits move, so the figures do not depend on the machine.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        var upstreamClock = new FastForwardClock(clock);
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions(), time: upstreamClock);
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl), GatewayHost.WithClock(clock));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "a b c d e f", stream: true) };
        request.Headers.Add("x-fake-latency-ms", "300");
        request.Headers.Add("x-fake-chunk-delay-ms", "100");
        using (var response = await gateway.Client().SendAsync(request))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // The request is measured as the pipeline returns, just after the client has the stream's end.
        var m = await MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_request_duration_seconds_count") >= 1);

        var total = m.Sum("llm_gateway_request_duration_seconds_sum");
        var upstreamTime = m.Sum("llm_gateway_upstream_duration_seconds_sum");
        var ttft = m.Sum("llm_gateway_time_to_first_token_seconds_sum");
        var overhead = m.Sum("llm_gateway_overhead_seconds_sum");
        var waited = upstreamClock.Waited.TotalSeconds; // the 300 ms latency and a 100 ms delay before every chunk but the first
        const double Rounding = 1e-6; // the figures went through Prometheus text
        Assert.True(waited >= 0.3 + 0.1, $"the fake upstream waited only {waited} s");
        Assert.True(ttft >= 0.3 - Rounding, $"the first token came before the upstream's 300 ms latency: ttft {ttft}");
        Assert.True(ttft <= upstreamTime, $"ttft {ttft} > upstream {upstreamTime}");
        Assert.True(upstreamTime >= waited - Rounding, $"the upstream span missed some of the upstream's waits: upstream {upstreamTime}, waited {waited}");
        Assert.True(total >= upstreamTime, $"total {total} < upstream {upstreamTime}");
        // Only the upstream's waits move the clock: a larger figure would be a wrong unit or a different clock.
        Assert.True(total <= waited + Rounding, $"total {total} > the {waited} s the clock moved");
        Assert.Equal(total - upstreamTime, overhead, 6);
        // 300 ms of latency puts the first token above the 0.25 s bucket of the 5 ms … 120 s buckets.
        Assert.Equal(0, m.Sum("llm_gateway_time_to_first_token_seconds_bucket", ("le", "0.25")));
        Assert.Equal(1, m.Sum("llm_gateway_time_to_first_token_seconds_count"));
    }

    [Fact]
    public async Task A_provider_error_passed_to_the_client_counts_as_an_upstream_error_and_a_5xx_request()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        foreach (var status in new[] { 500, 503, 400 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "x") };
            request.Headers.Add("x-fake-status", status.ToString());
            using var response = await gateway.Client().SendAsync(request);
            Assert.Equal(status, (int)response.StatusCode);
        }

        // A request is counted when the gateway's pipeline returns, which can be just after the client has the answer.
        var m = await MetricsScrape.WhenAsync(gateway,
            m => m.Sum("llm_gateway_requests_total") >= 3 && m.Sum("llm_gateway_upstream_errors_total") >= 3);

        Assert.Equal(2, m.Sum("llm_gateway_upstream_errors_total", ("provider", "main"), ("reason", "5xx")));
        Assert.Equal(1, m.Sum("llm_gateway_upstream_errors_total", ("provider", "main"), ("reason", "4xx")));
        Assert.Equal(2, m.Sum("llm_gateway_requests_total", ("status_class", "5xx"), ("provider", "main")));
        Assert.Equal(0, m.Sum("llm_gateway_fallbacks_total"));
    }

    [Fact]
    public async Task Build_info_names_the_version_and_the_commit_stamped_at_build_time()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));

        var info = Assert.Single((await MetricsScrape.ParsedAsync(gateway)).Find("llm_gateway_build_info"));

        Assert.Equal(1, info.Value);
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+"), info["version"]);
        // The test run builds from a git checkout, so the commit is known (a build without git says "unknown").
        Assert.Matches(new Regex("^[0-9a-f]{12}$"), info["commit"]);
    }

    [Fact]
    public async Task Metrics_can_be_served_on_a_separate_port_instead_of_the_proxy_port()
    {
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:Metrics:Port"] = "0";
        settings["Gateway:Metrics:Path"] = "/internal/prom";
        await using var gateway = await GatewayHost.StartAsync(settings);
        using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);

        var url = gateway.App.Services.GetRequiredService<LlmGateway.Metrics.MetricsPortService>().Url;
        Assert.NotNull(url);
        Assert.NotEqual(gateway.Url, url);
        using var http = new HttpClient();
        var text = await http.GetStringAsync(url + "/internal/prom");
        using var onProxyPort = await gateway.Client(key: null).GetAsync("/internal/prom");
        using var defaultPath = await gateway.Client(key: null).GetAsync("/metrics");
        using var post = await http.PostAsync(url + "/internal/prom", null);

        Assert.Equal(1, PrometheusText.Parse(text).Sum("llm_gateway_requests_total"));
        Assert.Equal(HttpStatusCode.NotFound, onProxyPort.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, defaultPath.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, post.StatusCode);
    }

    [Fact]
    public async Task The_endpoint_answers_Prometheus_in_OpenMetrics_and_only_to_GET_and_HEAD()
    {
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        using (var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"))) Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        // The request is counted as the pipeline returns, just after the client has its answer.
        await MetricsScrape.WhenAsync(gateway, m => m.Sum("llm_gateway_requests_total") >= 1);
        using var client = gateway.Client(key: null);
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        // What Prometheus 2.x sends.
        scrape.Headers.TryAddWithoutValidation("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1");

        using var openMetrics = await client.SendAsync(scrape);
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/metrics"));
        using var post = await client.PostAsync("/metrics", null);

        Assert.Equal(HttpStatusCode.OK, openMetrics.StatusCode);
        Assert.StartsWith("application/openmetrics-text; version=1.0.0", openMetrics.Content.Headers.ContentType!.ToString());
        var text = await openMetrics.Content.ReadAsStringAsync();
        Assert.EndsWith("# EOF\n", text);
        Assert.Contains("# TYPE llm_gateway_requests counter\n", text); // OpenMetrics names the counter family without _total ...
        Assert.Contains("\nllm_gateway_requests_total{", text);      // ... and its samples with it, as the rules query them.
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Contains(post.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.MethodNotAllowed });
        Assert.DoesNotContain("llm_gateway_requests", await post.Content.ReadAsStringAsync());
    }
}
