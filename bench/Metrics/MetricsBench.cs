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
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Bench.Metrics;

/// <summary>
/// Cost of metrics, in one run: (1) recording every instrument of one request (what the request path calls:
/// <see cref="RoutingMetrics.AttemptEnded"/> and <see cref="GatewayMetrics.RequestEnded"/>), per call; (2) a
/// scrape of a gateway holding 50 teams × 20 models of series, through the endpoint in-process and over HTTP, with
/// the CPU time and bytes it costs.
/// </summary>
internal static class MetricsBench
{
    private const string AdminKey = "sk-bench-admin";

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
            routing.AttemptEnded(context, attempt, null, null);
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
        var cost = meter.CreateCounter<double>("llm_gateway.cost", "usd");
        var saved = meter.CreateCounter<double>("llm_gateway.saved", "usd");
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

    /// <summary>
    /// The scrape as Prometheus gets it: the endpoint's own request delegate (collect, render, write) called in-process
    /// with a response body that only counts bytes, so the figures do not depend on how the endpoint is built (own
    /// writer or library). CPU and allocations are whole-process (the collection may run on another thread); the
    /// process is otherwise idle here.
    /// </summary>
    private static async Task ScrapeAsync(WebApplication app, int scrapes)
    {
        var endpoint = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .First(e => e.RoutePattern.RawText == "/metrics");
        // Prometheus 2.x asks for OpenMetrics first and for gzip; a plain client (curl, promtool) asks for neither.
        const string PrometheusAccept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
        async Task<long> ScrapeOnce(bool asPrometheus)
        {
            var context = new DefaultHttpContext { RequestServices = app.Services };
            context.Request.Method = HttpMethods.Get;
            context.Request.Path = "/metrics";
            if (asPrometheus)
            {
                context.Request.Headers.Accept = PrometheusAccept;
                context.Request.Headers.AcceptEncoding = "gzip";
            }
            var body = new CountingStream();
            context.Response.Body = body;
            await endpoint.RequestDelegate!(context);
            if (context.Response.StatusCode != 200 || body.Length == 0)
                throw new InvalidOperationException($"scrape answered {context.Response.StatusCode} with {body.Length} bytes");
            return body.Length;
        }
        async Task<(Percentiles Wall, double CpuMs, double AllocatedBytes, long Size)> Measure(bool asPrometheus)
        {
            for (var i = 0; i < 3; i++)
                await ScrapeOnce(asPrometheus); // jitted, caches warm
            var wall = new Percentiles();
            long size = 0;
            var process = Process.GetCurrentProcess();
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var allocated0 = GC.GetTotalAllocatedBytes(precise: true);
            for (var i = 0; i < scrapes; i++)
            {
                var t0 = Stopwatch.GetTimestamp();
                size = await ScrapeOnce(asPrometheus);
                wall.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }
            var allocated = (GC.GetTotalAllocatedBytes(precise: true) - allocated0) / (double)scrapes;
            process.Refresh();
            return (wall, (process.TotalProcessorTime - cpu0).TotalMilliseconds / scrapes, allocated, size);
        }
        var plain = await Measure(asPrometheus: false);
        var prometheus = await Measure(asPrometheus: true);
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
        Console.WriteLine($"## one scrape ({series:N0} samples, {plain.Size / 1024.0 / 1024:0.00} MiB of text; budget: ≤ 20 ms, a few MB allocated)");
        Console.WriteLine($"endpoint called in-process (collect + render + write), {scrapes} scrapes each; CPU and allocations are whole-process means");
        Console.WriteLine("| request | wall p50 | wall max | CPU per scrape | allocated per scrape | response bytes |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var (name, m) in new[] { ("plain (text 0.0.4, no gzip)", plain), ("as Prometheus asks (OpenMetrics, gzip)", prometheus) })
            Console.WriteLine($"| {name} | {m.Wall[50]:0.00} ms | {m.Wall[100]:0.00} ms | {m.CpuMs:0.00} ms | {m.AllocatedBytes / 1024:0} KiB | {m.Size:N0} |");
        Console.WriteLine($"GET /metrics over loopback HTTP (plain): p50 {http_[50]:0.00} ms, max {http_[100]:0.00} ms");

        // The built-in dashboard's data: one collection turned into the summary, as a browser refresh asks for it.
        using var admin = new HttpClient();
        admin.DefaultRequestHeaders.Authorization = new("Bearer", AdminKey);
        (await admin.GetAsync(url + "/admin/metrics/summary")).EnsureSuccessStatusCode();
        var views = new Percentiles();
        var viewProcess = Process.GetCurrentProcess();
        viewProcess.Refresh();
        var viewCpu0 = viewProcess.TotalProcessorTime;
        const int viewCount = 20;
        for (var i = 0; i < viewCount; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            using var response = await admin.GetAsync(url + "/admin/metrics/summary");
            response.EnsureSuccessStatusCode();
            await response.Content.ReadAsByteArrayAsync();
            views.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        viewProcess.Refresh();
        Console.WriteLine($"GET /admin/metrics/summary (dashboard data): p50 {views[50]:0.00} ms, process CPU {(viewProcess.TotalProcessorTime - viewCpu0).TotalMilliseconds / viewCount:0.00} ms per view");
    }

    /// <summary>A response body that keeps only the number of bytes written.</summary>
    private sealed class CountingStream : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => _length;
        public override long Position { get => _length; set => throw new NotSupportedException(); }
        private long _length;
        public override void Write(byte[] buffer, int offset, int count) => _length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => _length += buffer.Length;
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) { _length += count; return Task.CompletedTask; }
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) { _length += buffer.Length; return ValueTask.CompletedTask; }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
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
                var identity = new TeamIdentity(team, "k", config.Options.Teams[team]);
                context.Features.Set(identity);
                var exchange = GatewayExchange.Start(context, identity,
                    new GatewayRequest(OpenAiEndpoint.ChatCompletions, new JsonObject(), ReadOnlyMemory<byte>.Empty, route.Name, route, stream: false));
                ((ICachingExchange)exchange).SetCacheOutcome(m % 3 == 0 ? CacheOutcome.Bypass : CacheOutcome.Miss);
                var start = time.GetTimestamp();
                var capture = ((ICaptureExchange)exchange).StartCapture(1024, start - 20_000);
                capture.FirstByteTimestamp = start - 10_000;
                capture.EndedTimestamp = start;
                var attempt = ((IFailoverExchange)exchange).BeginAttempt(route.Primary, 0, isLast: true, cluster: null);
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
        gateway["Admin"] = new JsonObject { ["KeySha256"] = new JsonArray(TeamKeys.Sha256Hex(AdminKey)) };
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
