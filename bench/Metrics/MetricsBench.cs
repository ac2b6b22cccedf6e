using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Bench.Common;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Metrics;
using LlmGateway.Routing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Bench.Metrics;

/// <summary>
/// Cost of metrics, in one run: (1) recording every instrument of one request (what the request path calls:
/// <see cref="RoutingMetrics.AttemptEnded"/> and <see cref="GatewayMetrics.RequestEnded"/>), per call; (2) a
/// scrape of a gateway holding 50 teams × 20 models of series, rendered in-process and over HTTP, with the bytes
/// it allocates.
/// </summary>
internal static class MetricsBench
{
    public static Command Command()
    {
        var teams = BenchArgs.With("--teams", 50, "Teams with series in the scraped gateway.");
        var models = BenchArgs.With("--models", 20, "Models per team.");
        var calls = BenchArgs.With("--calls", 200_000, "Recordings of one request's instruments.");
        var scrapes = BenchArgs.With("--scrapes", 50, "Scrapes measured.");
        var command = new Command("metrics", "Cost of recording a request's instruments; scrape of teams x models series.") { teams, models, calls, scrapes };
        command.SetAction(p => RunAsync(p.GetValue(teams), p.GetValue(models), p.GetValue(calls), p.GetValue(scrapes)));
        return command;
    }

    private static async Task<int> RunAsync(int teams, int models, int calls, int scrapes)
    {
        var config = WriteConfig(teams, models);
        try
        {
            var app = GatewayApp.Create(["--urls", "http://127.0.0.1:0", "--config", config]);
            await app.StartAsync();
            try
            {
                var contexts = BuildContexts(app.Services, teams, models);
                Console.WriteLine($"# metrics bench: {teams} teams x {models} models ({contexts.Count} request shapes), {Environment.ProcessorCount} cores, load average {LoadAverage()}");
                Record(app.Services, contexts, calls);
                AddOtherCapabilitiesSeries(app.Services, teams, models);
                await ScrapeAsync(app, scrapes);
            }
            finally
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }
        finally
        {
            File.Delete(config);
        }
        return 0;
    }

    /// <summary>Per call: everything the request path records for one finished request.</summary>
    private static void Record(IServiceProvider services, List<(HttpContext Context, UpstreamAttempt Attempt)> contexts, int calls)
    {
        var gateway = services.GetRequiredService<GatewayMetrics>();
        var routing = services.GetRequiredService<RoutingMetrics>();
        var elapsed = TimeSpan.FromMilliseconds(250);
        void One(int i)
        {
            var (context, attempt) = contexts[i % contexts.Count];
            routing.AttemptEnded(context, attempt, null);
            gateway.RequestEnded(context, elapsed);
        }
        for (var i = 0; i < contexts.Count * 4; i++)
            One(i); // every series exists and the code is jitted
        // Timer overhead, to subtract from per-call samples.
        var empty = new Percentiles();
        for (var i = 0; i < 100_000; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            empty.Add(Micros(Stopwatch.GetTimestamp() - t0));
        }
        var perCall = new Percentiles();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var cpu0 = ThreadCpuTime.NowNanoseconds();
        for (var i = 0; i < calls; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            One(i);
            perCall.Add(Micros(Stopwatch.GetTimestamp() - t0));
        }
        var cpuPerCall = (ThreadCpuTime.NowNanoseconds() - cpu0) / calls / 1000;
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        // Batches of 1,000 calls: the mean per call without timer granularity.
        var batches = new Percentiles();
        for (var b = 0; b < 100; b++)
        {
            var t0 = Stopwatch.GetTimestamp();
            for (var i = 0; i < 1000; i++)
                One(b * 1000 + i);
            batches.Add(Micros(Stopwatch.GetTimestamp() - t0) / 1000);
        }
        Console.WriteLine();
        Console.WriteLine("## recording all instruments of one request (budget: ≤ 2 µs p50)");
        Console.WriteLine("| measure | p50 µs | p99 µs | note |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| per call, timer overhead subtracted | {perCall[50] - empty[50]:0.000} | {perCall[99] - empty[50]:0.000} | {calls:N0} calls, timer alone p50 {empty[50]:0.000} µs |");
        Console.WriteLine($"| mean per call in batches of 1,000 | {batches[50]:0.000} | {batches[99]:0.000} | 100 batches |");
        Console.WriteLine($"| thread CPU time per call (mean, incl. timer calls) | {cpuPerCall:0.000} | | immune to other processes taking the core |");
        Console.WriteLine($"| allocated per call | {(double)allocated / calls:0.0} B | | |");
    }

    private static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    /// <summary>Series the budgets and caching capabilities will add per team and model (cost, savings, tokens by kind), so the scrape is full-size.</summary>
    private static void AddOtherCapabilitiesSeries(IServiceProvider services, int teams, int models)
    {
        var meter = services.GetRequiredService<IMeterFactory>().Create("LlmGateway.Bench.Simulated");
        var cost = meter.CreateCounter<double>("llm_gateway.cost", "USD");
        var saved = meter.CreateCounter<double>("llm_gateway.saved", "USD");
        var tokens = meter.CreateCounter<long>("llm_gateway.tokens", "{token}");
        for (var t = 0; t < teams; t++)
        {
            for (var m = 0; m < models; m++)
            {
                var team = new KeyValuePair<string, object?>("team", $"team-{t:00}");
                var model = new KeyValuePair<string, object?>("model", $"model-{m:00}");
                cost.Add(0.01 * (m + 1), team, model);
                saved.Add(0.002, team, model);
                foreach (var kind in new[] { "prompt", "cached_prompt", "completion" })
                    tokens.Add(100, team, model, new KeyValuePair<string, object?>("kind", kind));
            }
        }
    }

    private static async Task ScrapeAsync(WebApplication app, int scrapes)
    {
        var pipeline = app.Services.GetRequiredService<MetricsPipeline>();
        using (var warm = new PooledBufferWriter())
            pipeline.WritePrometheus(warm);
        var times = new Percentiles();
        var cpu = new Percentiles();
        var bytes = new Percentiles();
        long size = 0;
        for (var i = 0; i < scrapes; i++)
        {
            using var buffer = new PooledBufferWriter();
            var before = GC.GetAllocatedBytesForCurrentThread();
            var c0 = ThreadCpuTime.NowNanoseconds();
            var t0 = Stopwatch.GetTimestamp();
            pipeline.WritePrometheus(buffer);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            cpu.Add((ThreadCpuTime.NowNanoseconds() - c0) / 1e6);
            bytes.Add(GC.GetAllocatedBytesForCurrentThread() - before);
            size = buffer.WrittenCount;
        }
        var collectOnly = new Percentiles();
        for (var i = 0; i < scrapes; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            pipeline.Collect(_ => { });
            collectOnly.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        var url = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First().TrimEnd('/');
        using var http = new HttpClient();
        var text = await http.GetStringAsync(url + "/metrics");
        var http_ = new Percentiles();
        for (var i = 0; i < scrapes; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(url + "/metrics");
            await response.Content.ReadAsByteArrayAsync();
            http_.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        var series = text.Split('\n').Count(l => l.Length > 0 && l[0] != '#');
        Console.WriteLine();
        Console.WriteLine($"## one scrape ({series:N0} samples, {size / 1024.0 / 1024:0.00} MiB of text; budget: ≤ 20 ms, a few MB allocated)");
        Console.WriteLine("| measure | p50 | max |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| collect + render in-process | {times[50]:0.00} ms | {times[100]:0.00} ms |");
        Console.WriteLine($"| collect + render, thread CPU time | {cpu[50]:0.00} ms | {cpu[100]:0.00} ms |");
        Console.WriteLine($"| of which OpenTelemetry's collect alone | {collectOnly[50]:0.00} ms | {collectOnly[100]:0.00} ms |");
        Console.WriteLine($"| allocated per scrape (collect + render thread) | {bytes[50] / 1024:0} KiB | {bytes[100] / 1024:0} KiB |");
        Console.WriteLine($"| GET /metrics over loopback HTTP | {http_[50]:0.00} ms | {http_[100]:0.00} ms |");
    }

    /// <summary>One finished request per (team, model): features as the pipeline leaves them, 2xx or 5xx, cache miss or hit.</summary>
    private static List<(HttpContext, UpstreamAttempt)> BuildContexts(IServiceProvider services, int teams, int models)
    {
        var config = services.GetRequiredService<GatewayConfigStore>().Current;
        var time = services.GetRequiredService<TimeProvider>();
        var list = new List<(HttpContext, UpstreamAttempt)>();
        for (var t = 0; t < teams; t++)
        {
            var team = $"team-{t:00}";
            for (var m = 0; m < models; m++)
            {
                config.Routing.TryResolve($"model-{m:00}", out var route);
                var context = new DefaultHttpContext();
                context.Request.Path = "/v1/chat/completions";
                context.Response.StatusCode = (t + m) % 10 == 0 ? 502 : 200;
                context.Features.Set(new TeamIdentity(team, "k", config.Options.Teams[team]));
                context.Features.Set(new GatewayRequest(OpenAiEndpoint.ChatCompletions, new JsonObject(), ReadOnlyMemory<byte>.Empty, route.Name, route, stream: false));
                var attempt = new UpstreamAttempt(route.Primary, 0, isLast: true);
                context.Features.Set(attempt);
                context.Features.Set(new CacheFeature { Result = m % 3 == 0 ? CacheResult.Bypass : CacheResult.Miss });
                var start = time.GetTimestamp();
                var capture = new CapturedResponse(1024, start - 20_000) { FirstByteTimestamp = start - 10_000, EndedTimestamp = start };
                context.Features.Set(capture);
                list.Add((context, attempt));
            }
        }
        return list;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private static string WriteConfig(int teams, int models)
    {
        var gateway = new JsonObject
        {
            ["Providers"] = new JsonObject
            {
                ["alpha"] = new JsonObject { ["BaseUrl"] = "http://127.0.0.1:9/v1" },
                ["beta"] = new JsonObject { ["BaseUrl"] = "http://127.0.0.1:9/v1" },
            },
        };
        var modelsNode = new JsonObject();
        for (var m = 0; m < models; m++)
            modelsNode[$"model-{m:00}"] = new JsonObject { ["Provider"] = m % 2 == 0 ? "alpha" : "beta" };
        var teamsNode = new JsonObject();
        for (var t = 0; t < teams; t++)
            teamsNode[$"team-{t:00}"] = new JsonObject { ["KeySha256"] = new JsonArray(TeamKeys.Sha256Hex($"sk-bench-{t}")) };
        gateway["Models"] = modelsNode;
        gateway["Teams"] = teamsNode;
        var root = new JsonObject
        {
            ["Logging"] = new JsonObject { ["LogLevel"] = new JsonObject { ["Default"] = "Warning" } },
            ["Gateway"] = gateway,
        };
        var path = Path.Combine(Path.GetTempPath(), $"llmgateway-metrics-bench-{Environment.ProcessId}.json");
        File.WriteAllText(path, root.ToJsonString());
        return path;
    }
}
