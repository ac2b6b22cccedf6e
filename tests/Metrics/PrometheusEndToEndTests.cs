using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Metrics;

/// <summary>
/// A real Prometheus server (Debian package, loopback, temp dir) scrapes the gateway under a little traffic, and
/// its HTTP API is asked for the request, latency, cost and cache series. Cost and cache series come from the
/// budgets and caching capabilities; where they are not running (this branch), the test records STAND-IN
/// instruments under the exact names they will use, and says so in its output.
/// </summary>
public sealed class PrometheusEndToEndTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Prometheus_scrapes_the_gateway_and_answers_queries_for_request_latency_cost_and_cache_series()
    {
        var prometheusBinary = ExternalTool.Require("prometheus", "prometheus");
        // Latency on a fake clock that only the upstream's 20 ms waits move: the same histogram on any machine.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 20 }, time: new FastForwardClock(clock));
        await using var gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(upstream.BaseUrl), GatewayHost.WithClock(clock));
        await SendTrafficAsync(gateway, 10);
        var standIns = RegisterStandInsWhereMissing(gateway, await MetricsScrape.ParsedAsync(gateway));

        var dir = Directory.CreateTempSubdirectory("llm-gateway-prometheus-");
        Process? prometheus = null;
        try
        {
            var port = TcpPorts.Unused();
            File.Copy(Path.Combine(ExternalTool.RepositoryRoot(), "config", "prometheus", "alerts.yml"), Path.Combine(dir.FullName, "alerts.yml"));
            await File.WriteAllTextAsync(Path.Combine(dir.FullName, "prometheus.yml"), $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - alerts.yml
                scrape_configs:
                  - job_name: llm-gateway
                    static_configs:
                      - targets: ["{new Uri(gateway.Url).Authority}"]
                """);
            prometheus = Process.Start(new ProcessStartInfo(prometheusBinary)
            {
                ArgumentList =
                {
                    "--config.file=" + Path.Combine(dir.FullName, "prometheus.yml"),
                    "--storage.tsdb.path=" + Path.Combine(dir.FullName, "data"),
                    $"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            })!;
            var log = new System.Text.StringBuilder();
            prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            prometheus.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
            prometheus.BeginErrorReadLine();
            prometheus.BeginOutputReadLine();
            using var api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilAsync(async () => (await TryGetAsync(api, "/-/ready")) == HttpStatusCode.OK, "Prometheus ready", () => log.ToString());

            // Traffic while Prometheus scrapes every second (after its first scrape, so rate() sees it increase).
            Assert.Equal(1, await QueryUntilAsync(api, "up{job=\"llm-gateway\"}", v => v == 1, () => log.ToString()));
            for (var i = 0; i < 4; i++)
            {
                await SendTrafficAsync(gateway, 5);
                await Task.Delay(500);
            }

            var requests = await QueryUntilAsync(api, "sum(llm_gateway_requests_total{team=\"team-a\",model=\"gpt-4o-mini\",status_class=\"2xx\"})", v => v >= 30, () => log.ToString());
            Assert.Equal(30, requests);
            var p95 = await QueryUntilAsync(api, "histogram_quantile(0.95, sum by (le) (rate(llm_gateway_request_duration_seconds_bucket{model=\"gpt-4o-mini\"}[1m])))",
                v => !double.IsNaN(v), () => log.ToString());
            // At least half the requests are misses that took exactly their 20 ms upstream wait, hits took no time: (10 ms, 25 ms].
            Assert.InRange(p95, 0.01, 0.025);
            var upstreamCalls = await QueryUntilAsync(api, "sum(llm_gateway_requests_total{provider=\"main\"})", v => v >= 15, () => log.ToString());
            var ttft = await QueryUntilAsync(api, "sum(llm_gateway_time_to_first_token_seconds_count{provider=\"main\",model=\"gpt-4o-mini\"})", v => v >= upstreamCalls, () => log.ToString());
            Assert.Equal(upstreamCalls, ttft);
            Assert.True(await QueryUntilAsync(api, "sum(llm_gateway_requests_total{cache=\"hit\"})", v => v > 0, () => log.ToString()) > 0);
            Assert.True(await QueryUntilAsync(api, "count(llm_gateway:request_duration_seconds:p95_5m{model=\"gpt-4o-mini\"})", v => v == 1, () => log.ToString()) == 1,
                "the recording rule of alerts.yml evaluates on the gateway's series");
            var cost = await QueryUntilAsync(api, "sum(llm_gateway_cost_usd_total{team=\"team-a\"})", v => v > 0, () => log.ToString());
            Assert.True(cost > 0);
            var lookups = await QueryUntilAsync(api, "sum(llm_gateway_cache_lookups_total)", v => v > 0, () => log.ToString());
            Assert.True(lookups > 0);
            var hits = await QueryUntilAsync(api, "sum(llm_gateway_cache_lookups_total{result=\"hit\"})", v => v > 0, () => log.ToString());
            Assert.True(hits > 0 && hits <= lookups);
            if (standIns.Count > 0)
                output.WriteLine("NOTE: these series were STAND-INS recorded by this test (their capability is not running here): " + string.Join(", ", standIns));
        }
        finally
        {
            if (prometheus is { HasExited: false })
            {
                prometheus.Kill(entireProcessTree: true);
                await prometheus.WaitForExitAsync();
            }
            prometheus?.Dispose();
            dir.Delete(recursive: true);
        }
    }

    private static async Task SendTrafficAsync(GatewayHost gateway, int count)
    {
        using var client = gateway.Client();
        for (var i = 0; i < count; i++)
        {
            // Half new questions (misses, answered upstream), half the same one (cache hits once stored).
            var question = i % 2 == 0 ? "new question " + Guid.NewGuid().ToString("N") : "the usual question";
            using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", question, stream: i % 4 == 0));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    /// <summary>Cost and cache lookups under their exact family names, only where their capability has not produced them.</summary>
    private List<string> RegisterStandInsWhereMissing(GatewayHost gateway, PrometheusText scrape)
    {
        var added = new List<string>();
        var meter = gateway.App.Services.GetRequiredService<IMeterFactory>().Create("LlmGateway.Tests.StandIns");
        if (!scrape.Families.ContainsKey("llm_gateway_cost_usd_total"))
        {
            meter.CreateCounter<double>("llm_gateway.cost", "usd", "STAND-IN recorded by the test").Add(0.0123,
                new KeyValuePair<string, object?>("team", "team-a"), new KeyValuePair<string, object?>("model", "gpt-4o-mini"));
            added.Add("llm_gateway_cost_usd_total");
        }
        if (!scrape.Families.ContainsKey("llm_gateway_cache_lookups_total"))
        {
            var lookups = meter.CreateCounter<long>("llm_gateway.cache.lookups", "{lookup}", "STAND-IN recorded by the test");
            lookups.Add(3, new KeyValuePair<string, object?>("result", "hit"));
            lookups.Add(7, new KeyValuePair<string, object?>("result", "miss"));
            added.Add("llm_gateway_cache_lookups_total");
        }
        foreach (var name in added)
            output.WriteLine($"STAND-IN: {name} is not produced by its capability in this build; the test records it itself under that exact name.");
        return added;
    }

    private static async Task<double> QueryUntilAsync(HttpClient api, string query, Func<double, bool> ready, Func<string> log)
    {
        var last = double.NaN;
        string lastBody = "";
        await WaitUntilAsync(async () =>
        {
            using var response = await api.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
            lastBody = await response.Content.ReadAsStringAsync();
            var result = JsonNode.Parse(lastBody)?["data"]?["result"]?.AsArray();
            if (result is not { Count: > 0 })
                return false;
            last = double.Parse(result[0]!["value"]![1]!.GetValue<string>(), CultureInfo.InvariantCulture);
            return ready(last);
        }, "query " + query, () => "last answer: " + lastBody + "\n" + log());
        return last;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string> diagnostics)
    {
        var deadline = DateTime.UtcNow.AddSeconds(45);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        Assert.Fail($"timed out waiting for {what}\n{diagnostics()}");
    }

    private static async Task<HttpStatusCode?> TryGetAsync(HttpClient client, string path)
    {
        try
        {
            using var response = await client.GetAsync(path);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

}
