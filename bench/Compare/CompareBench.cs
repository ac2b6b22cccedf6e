using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// <c>compare</c>: the gateway side by side with nginx and the Portkey gateway, all in front of the same canned nginx
/// upstream, driven by wrk. Systems are interleaved in rounds so that the shared machine's noise falls on all of them;
/// the CPU each server process used (from /proc) divided by the requests it answered is the steadiest figure.
/// </summary>
internal static class CompareBench
{
    private const string Key = BenchGatewayConfig.Key;
    private const string Question = "How do I reset my password?";
    private const string Paraphrase = "How do I reset my password please?";

    public static Command Command()
    {
        var rounds = BenchArgs.With("--rounds", 3, "Rounds; each runs every system once, in turn.");
        var seconds = BenchArgs.With("--seconds", 5, "wrk duration per system and round.");
        var connections = BenchArgs.With("--connections", 16, "Keep-alive connections (wrk -c).");
        var fresh = BenchArgs.With("--fresh", true, "Also measure one client opening a new connection per request.");
        var stream = BenchArgs.With("--stream", true, "Also measure SSE streams.");
        var baseline = new Option<string?>("--baseline-exe") { Description = "Another build of LlmGateway (e.g. an older commit's) to run as extra pass-through and miss rows." };
        var warmup = BenchArgs.With("--warmup", 10, "Warm-up seconds per gateway row before the rounds (the .NET tiered JIT and V8 need it; nginx rows get 1 s).");
        var output = BenchArgs.With("--output", "bench/results", "Folder for compare-<time>.json and .md.");
        var peer = BenchArgs.With("--portkey", true, "Include the Portkey rows (if installed); false for shorter before/after runs.");
        var floors = BenchArgs.With("--floors", true, "Also measure what the gateway is built on, without its steps: Kestrel + stock YARP, and Kestrel alone answering the canned completion.");
        var prefill = BenchArgs.With("--prefill", 0, "Unique misses sent to the cached gateway before the warm-up, so the miss row runs against a cache (and vector index) of that size.");
        var maxEntries = BenchArgs.With("--max-entries", 0, "Gateway:Cache:MaxEntries of the cached gateways (0: the gateway's default, 100,000); above --prefill plus the rounds' misses, no miss evicts.");
        var command = new Command("compare", "Gateway (pass-through, miss, exact hit, semantic hit) vs nginx vs Portkey, wrk, CPU per request.")
        {
            rounds, seconds, connections, fresh, stream, baseline, warmup, output, prefill, maxEntries, peer, floors,
        };
        command.SetAction(p => RunAsync(p.GetValue(rounds), p.GetValue(seconds), p.GetValue(connections), p.GetValue(fresh), p.GetValue(stream), p.GetValue(baseline), p.GetValue(warmup), p.GetValue(output)!,
            p.GetValue(prefill), p.GetValue(maxEntries), p.GetValue(peer), p.GetValue(floors)));
        return command;
    }

    private static async Task<int> RunAsync(int rounds, int seconds, int connections, bool fresh, bool stream, string? baselineExe, int warmup, string output, int prefill, int maxEntries, bool peer, bool floors)
    {
        if (rounds is < 1 or > 20 || seconds is < 1 or > 120 || connections is < 1 or > 1024 || warmup is < 1 or > 120 || prefill is < 0 or > 10_000_000 || maxEntries is < 0 or > 10_000_000)
        {
            Console.Error.WriteLine("compare: --rounds 1..20, --seconds 1..120, --connections 1..1024, --warmup 1..120, --prefill 0..10000000, --max-entries 0..10000000");
            return 2;
        }
        var nginxBinary = NginxPeer.Binary();
        var wrk = WrkRun.Binary();
        if (nginxBinary is null || wrk is null)
        {
            Console.Error.WriteLine("compare: needs nginx and wrk; run scripts/setup-bench.sh");
            return 1;
        }
        var portkeyScript = peer ? PortkeyPeer.Script() : null;
        if (peer && portkeyScript is null)
            Console.WriteLine("(Portkey not installed: run scripts/setup-bench.sh to compare with it)");

        await using var upstream = await CannedUpstream.StartAsync(nginxBinary, BenchArgs.FreePort());
        var proxyPort = BenchArgs.FreePort();
        await using var nginx = await NginxPeer.StartAsync(nginxBinary, proxyPort, upstream.Port);
        var plainPort = BenchArgs.FreePort();
        await using var plain = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{plainPort} --config {Config(upstream.Port, cache: false)}", $"http://127.0.0.1:{plainPort}/readyz");
        var cachedPort = BenchArgs.FreePort();
        await using var cached = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{cachedPort} --config {Config(upstream.Port, cache: true, maxEntries)}", $"http://127.0.0.1:{cachedPort}/readyz");
        var basePort = BenchArgs.FreePort();
        await using var baseline = baselineExe is null ? null
            : await ChildProcess.StartAsync($"--urls http://127.0.0.1:{basePort} --config {Config(upstream.Port, cache: false)}", $"http://127.0.0.1:{basePort}/readyz", exe: baselineExe);
        var baseCachedPort = BenchArgs.FreePort();
        await using var baselineCached = baselineExe is null ? null
            : await ChildProcess.StartAsync($"--urls http://127.0.0.1:{baseCachedPort} --config {Config(upstream.Port, cache: true, maxEntries)}", $"http://127.0.0.1:{baseCachedPort}/readyz", exe: baselineExe);
        var portkeyPort = BenchArgs.FreePort();
        await using var portkey = portkeyScript is null ? null : await PortkeyPeer.StartAsync(portkeyScript, portkeyPort);

        var systems = Systems(upstream, proxyPort, nginx, plainPort, plain, cachedPort, cached, baseline is null ? null : (basePort, baseline), portkey, connections, fresh, stream);
        var yarpPort = BenchArgs.FreePort();
        await using var yarpFloor = floors ? await StartFloorAsync(FloorServer.Yarp, yarpPort, upstream.Port) : null;
        var kestrelPort = BenchArgs.FreePort();
        await using var kestrelFloor = floors ? await StartFloorAsync(FloorServer.Kestrel, kestrelPort, upstream.Port) : null;
        if (yarpFloor is not null && kestrelFloor is not null)
            AddFloors(systems, $"http://127.0.0.1:{yarpPort}/v1/chat/completions", yarpFloor, $"http://127.0.0.1:{kestrelPort}/v1/chat/completions", kestrelFloor);
        if (baselineCached is not null)
        {
            // The baseline build's miss path beside this build's, in the same rounds (before/after figures in one run).
            var miss = systems.First(s => s.Unique);
            systems.Insert(systems.IndexOf(miss) + 1, miss with { Name = "gateway miss (unique questions, baseline build)", Url = $"http://127.0.0.1:{baseCachedPort}/v1/chat/completions", ProcessId = () => baselineCached.Id });
            var exact = systems.First(s => s.Name == "gateway exact hit");
            systems.Insert(systems.IndexOf(exact) + 1, exact with { Name = "gateway exact hit (baseline build)", Url = $"http://127.0.0.1:{baseCachedPort}/v1/chat/completions", ProcessId = () => baselineCached.Id });
        }
        if (baseline is not null && systems.FirstOrDefault(s => s.Name == "gateway pass-through, new connection") is { } freshRow)
        {
            systems.Insert(systems.IndexOf(freshRow) + 1, freshRow with { Name = "gateway pass-through, new connection (baseline build)", Url = $"http://127.0.0.1:{basePort}/v1/chat/completions", ProcessId = () => baseline.Id });
        }
        await CheckAsync(systems, cachedPort);
        if (prefill > 0)
        {
            foreach (var miss in systems.Where(s => s.Unique))
                await PrefillAsync(miss, miss.ProcessId(), prefill, connections);
        }

        Console.WriteLine($"# compare: {systems.Count} systems, {rounds} rounds of {seconds} s each, wrk -c{connections} (fresh-connection rows: -c1 with Connection: close)");
        // Warm-up: until the tiered JIT has settled (measured: ~2 % of a pass-through's CPU in the JIT after 20 s,
        // 17 % after 5 s), and connection pools are full.
        foreach (var system in systems)
            await WrkRun.RunAsync(wrk, system, system.Connections > 0 ? system.Connections : connections, TimeSpan.FromSeconds(system.IsDirect || system.IsNginx ? 1 : warmup), "warm");

        var results = systems.ToDictionary(s => s, _ => new List<Measured>());
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var system in systems)
            {
                var dropped = system.Unique ? await IndexBacklog.DrainAsync(system.Url, TimeSpan.FromSeconds(60)) : 0;
                var overheadBefore = system.ReadsOverhead ? await MetricsScrape.OverheadAsync(system.Url) : default;
                var before = Peers.TreeCpuTime(system.ProcessId());
                var result = await WrkRun.RunAsync(wrk, system, system.Connections > 0 ? system.Connections : connections, TimeSpan.FromSeconds(seconds), $"r{round}");
                // A miss row's round ends when its answers are indexed, so their background CPU is counted in it.
                var backlog = system.Unique ? $", {await IndexBacklog.DrainAsync(system.Url, TimeSpan.FromSeconds(60)) - dropped} stores dropped (index queue full)" : "";
                var cpu = Peers.TreeCpuTime(system.ProcessId()) - before;
                var overhead = system.ReadsOverhead ? await MetricsScrape.OverheadAsync(system.Url) : default;
                results[system].Add(new Measured(result, cpu, system.ReadsOverhead ? (overhead.Seconds - overheadBefore.Seconds, overhead.Count - overheadBefore.Count) : null));
                Console.WriteLine($"  round {round} {system.Name}: {result}, {cpu.TotalMicroseconds / Math.Max(1, result.Requests):0.0} µs CPU/req{backlog}");
            }
        }

        var report = CompareReport.From(results, rounds, seconds, connections);
        Directory.CreateDirectory(output);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var markdown = report.Markdown();
        File.WriteAllText(Path.Combine(output, $"compare-{stamp}.json"), report.Json());
        File.WriteAllText(Path.Combine(output, $"compare-{stamp}.md"), markdown);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.Combine(output, $"compare-{stamp}")}.json/.md");
        return report.Rows.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static List<CompareSystem> Systems(CannedUpstream upstream, int proxyPort, NginxPeer nginx, int plainPort, ChildProcess plain, int cachedPort, ChildProcess cached,
        (int Port, ChildProcess Process)? baseline, PortkeyPeer? portkey, int connections, bool fresh, bool stream)
    {
        var body = Body("bench-model", Question, stream: false);
        var gatewayHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Key };
        Dictionary<string, string> PortkeyHeaders(string path) => new()
        {
            ["Authorization"] = "Bearer sk-bench",
            ["x-portkey-provider"] = "openai",
            ["x-portkey-custom-host"] = $"http://127.0.0.1:{upstream.Port}{path}",
        };
        var systems = new List<CompareSystem>
        {
            new("nginx upstream (direct)", "keep-alive", $"http://127.0.0.1:{upstream.Port}/v1/chat/completions", body, () => upstream.ProcessId) { IsDirect = true },
            new("nginx reverse proxy", "keep-alive", $"http://127.0.0.1:{proxyPort}/v1/chat/completions", body, () => nginx.ProcessId) { IsNginx = true },
            new("gateway pass-through", "keep-alive", $"http://127.0.0.1:{plainPort}/v1/chat/completions", body, () => plain.Id) { Headers = gatewayHeaders, ReadsOverhead = true },
            // One connection: no request waits for another, so the added latency is the gateway's path alone.
            new("nginx upstream (direct), 1 connection", "1 connection", $"http://127.0.0.1:{upstream.Port}/v1/chat/completions", body, () => upstream.ProcessId) { IsDirect = true, Connections = 1 },
            new("gateway pass-through, 1 connection", "1 connection", $"http://127.0.0.1:{plainPort}/v1/chat/completions", body, () => plain.Id) { Headers = gatewayHeaders, ReadsOverhead = true, Connections = 1 },
        };
        if (baseline is { } b)
            systems.Add(new("gateway pass-through (baseline build)", "keep-alive", $"http://127.0.0.1:{b.Port}/v1/chat/completions", body, () => b.Process.Id) { Headers = gatewayHeaders });
        systems.Add(new("gateway miss (unique questions)", "keep-alive", $"http://127.0.0.1:{cachedPort}/v1/chat/completions", Body("bench-model", "QUESTION", false), () => cached.Id) { Headers = gatewayHeaders, Unique = true });
        systems.Add(new("gateway exact hit", "keep-alive", $"http://127.0.0.1:{cachedPort}/v1/chat/completions", body, () => cached.Id) { Headers = gatewayHeaders });
        systems.Add(new("gateway semantic hit", "keep-alive", $"http://127.0.0.1:{cachedPort}/v1/chat/completions", Body("bench-model", Paraphrase, false), () => cached.Id) { Headers = gatewayHeaders });
        if (MixBodies.Generate() is { } mix)
            systems.Add(mix.Row($"http://127.0.0.1:{cachedPort}/v1/chat/completions", () => cached.Id, gatewayHeaders));
        if (portkey is not null)
            systems.Add(new("portkey", "keep-alive", $"http://127.0.0.1:{portkey.Port}/v1/chat/completions", body, () => portkey.ProcessId) { Headers = PortkeyHeaders("/v1"), IsPeer = true });

        if (stream)
        {
            var sse = Body("bench-stream", Question, stream: true);
            systems.Add(new("nginx upstream (direct), SSE", "SSE", $"http://127.0.0.1:{upstream.Port}/sse/v1/chat/completions", sse, () => upstream.ProcessId) { IsDirect = true });
            systems.Add(new("nginx reverse proxy, SSE", "SSE", $"http://127.0.0.1:{proxyPort}/sse/v1/chat/completions", sse, () => nginx.ProcessId) { IsNginx = true });
            systems.Add(new("gateway pass-through, SSE", "SSE", $"http://127.0.0.1:{plainPort}/v1/chat/completions", sse, () => plain.Id) { Headers = gatewayHeaders });
            if (portkey is not null)
                systems.Add(new("portkey, SSE", "SSE", $"http://127.0.0.1:{portkey.Port}/v1/chat/completions", sse, () => portkey.ProcessId) { Headers = PortkeyHeaders("/sse/v1"), IsPeer = true });
        }
        if (fresh)
        {
            systems.Add(new("nginx upstream (direct), new connection", "new connection", $"http://127.0.0.1:{upstream.Port}/v1/chat/completions", body, () => upstream.ProcessId) { IsDirect = true, CloseConnection = true, Connections = 1 });
            systems.Add(new("nginx reverse proxy, new connection", "new connection", $"http://127.0.0.1:{proxyPort}/v1/chat/completions", body, () => nginx.ProcessId) { IsNginx = true, CloseConnection = true, Connections = 1 });
            systems.Add(new("gateway pass-through, new connection", "new connection", $"http://127.0.0.1:{plainPort}/v1/chat/completions", body, () => plain.Id) { Headers = gatewayHeaders, CloseConnection = true, Connections = 1 });
            if (portkey is not null)
                systems.Add(new("portkey, new connection", "new connection", $"http://127.0.0.1:{portkey.Port}/v1/chat/completions", body, () => portkey.ProcessId) { Headers = PortkeyHeaders("/v1"), IsPeer = true, CloseConnection = true, Connections = 1 });
        }
        return systems;
    }

    private static Task<ChildProcess> StartFloorAsync(string mode, int port, int upstreamPort) =>
        ChildProcess.StartAsync($"floor-server --mode {mode} --port {port} --upstream {upstreamPort}", $"http://127.0.0.1:{port}/health",
            exe: Path.Combine(AppContext.BaseDirectory, "LlmGateway.Bench"));

    /// <summary>
    /// The floors go right after the rows they are the floor of: Kestrel + YARP after pass-through (and its
    /// new-connection row), Kestrel alone after the exact hit (an exact hit is Kestrel reading a body and answering).
    /// </summary>
    private static void AddFloors(List<CompareSystem> systems, string yarpUrl, ChildProcess yarp, string kestrelUrl, ChildProcess kestrel)
    {
        var pass = systems.First(s => s.Name == "gateway pass-through");
        systems.Insert(systems.IndexOf(pass) + 1, pass with { Name = "floor: Kestrel + YARP, no gateway steps", Url = yarpUrl, ProcessId = () => yarp.Id, Headers = new Dictionary<string, string>(), ReadsOverhead = false });
        var exact = systems.First(s => s.Name == "gateway exact hit");
        systems.Insert(systems.IndexOf(exact) + 1, exact with { Name = "floor: Kestrel alone, reads the body, canned answer", Url = kestrelUrl, ProcessId = () => kestrel.Id, Headers = new Dictionary<string, string>() });
        if (systems.FirstOrDefault(s => s.Name == "gateway pass-through, new connection") is { } fresh)
            systems.Insert(systems.IndexOf(fresh) + 1, fresh with { Name = "floor: Kestrel + YARP, new connection", Url = yarpUrl, ProcessId = () => yarp.Id, Headers = new Dictionary<string, string>() });
    }

    /// <summary>
    /// Sends <paramref name="count"/> unique misses (the miss row's body, its own question numbers) so that the rounds run
    /// against a cache of that size; prints the fill's own misses/s and CPU per miss (index growing from 0 to count).
    /// </summary>
    private static async Task PrefillAsync(CompareSystem miss, int processId, int count, int concurrency)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency });
        var next = -1;
        var errors = 0;
        var cpu = Peers.TreeCpuTime(processId);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
            {
                var body = miss.Body.Replace("QUESTION", $"Question fill-{i}: how do I rotate the keys of my project?", StringComparison.Ordinal);
                using var request = new HttpRequestMessage(HttpMethod.Post, miss.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                foreach (var (k, v) in miss.Headers)
                    request.Headers.TryAddWithoutValidation(k, v);
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref errors);
            }
        }));
        var used = Peers.TreeCpuTime(processId) - cpu;
        Console.WriteLine($"# prefill of {miss.Name}: {count} unique misses in {clock.Elapsed.TotalSeconds:0.0} s ({count / clock.Elapsed.TotalSeconds:0} misses/s at {concurrency} connections, " +
            $"{used.TotalMicroseconds / count:0} µs gateway CPU per miss, {errors} errors)");
    }

    private static string Body(string model, string question, bool stream) =>
        $$"""{"model":"{{model}}",{{(stream ? "\"stream\":true," : "")}}"messages":[{"role":"user","content":"{{question}}"}]}""";

    /// <summary>One request per system before measuring: every system answers 200, and the hit rows really hit (exact, then semantic).</summary>
    private static async Task CheckAsync(IReadOnlyList<CompareSystem> systems, int cachedPort)
    {
        using var http = new HttpClient();
        async Task<HttpResponseMessage> Send(CompareSystem system)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, system.Url) { Content = new StringContent(system.Body.Replace("QUESTION", "check", StringComparison.Ordinal), Encoding.UTF8, "application/json") };
            foreach (var (k, v) in system.Headers)
                request.Headers.TryAddWithoutValidation(k, v);
            var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode || (system.Group == "SSE" ? !text.Contains("[DONE]", StringComparison.Ordinal) : !text.Contains("chat.completion", StringComparison.Ordinal)))
                throw new InvalidOperationException($"{system.Name} answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
            return response;
        }
        foreach (var system in systems)
        {
            using var response = await Send(system);
            if ((system.Url.Contains($":{cachedPort}/", StringComparison.Ordinal) || system.Name.Contains("hit (baseline", StringComparison.Ordinal)) && !system.Unique)
            {
                using var again = await Send(system); // the exact row's first request stores the answer
                var tier = again.Headers.TryGetValues("x-cache-tier", out var t) ? t.First() : "-";
                var expected = system.Name.Contains("semantic", StringComparison.Ordinal) ? "semantic" : "exact";
                if (tier != expected)
                    throw new InvalidOperationException($"{system.Name}: expected a {expected} hit, got x-cache-tier {tier}");
            }
        }
    }

    /// <param name="maxEntries">The cache's capacity (0: the gateway's default); its byte bound is raised with it (4 KiB an entry).</param>
    internal static string Config(int upstreamPort, bool cache, int maxEntries = 0)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmgateway-compare-{Guid.NewGuid():N}.json");
        var storage = Path.Combine(Path.GetTempPath(), $"llmgateway-compare-data-{Guid.NewGuid():N}");
        File.WriteAllText(path, $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "Gateway": {
            "Storage": { "Path": "{{storage}}" },
            "Embeddings": { "Provider": "hashing" },
            "Cache": { "Enabled": {{(cache ? "true" : "false")}}, "Threshold": 0.9{{(maxEntries > 0 ? $", \"MaxEntries\": {maxEntries}, \"MaxBytes\": {Math.Max(1L << 30, maxEntries * 4096L)}" : "")}} },
            "Providers": {
              "canned": { "BaseUrl": "http://127.0.0.1:{{upstreamPort}}/v1" },
              "canned-sse": { "BaseUrl": "http://127.0.0.1:{{upstreamPort}}/sse/v1" }
            },
            "Models": { "bench-model": { "Provider": "canned" }, "bench-stream": { "Provider": "canned-sse" } },
            "Teams": { "bench": { "KeySha256": [ "{{Auth.TeamKeys.Sha256Hex(Key)}}" ] } }
          }
        }
        """);
        return path;
    }
}

/// <summary>One round of one system: what wrk saw and the CPU the server process used meanwhile.</summary>
/// <remarks><see cref="Overhead"/>: what the gateway's <c>llm_gateway_overhead_seconds</c> gained during the round (sum, count), where read.</remarks>
internal sealed record Measured(WrkResult Wrk, TimeSpan Cpu, (double Seconds, double Count)? Overhead = null);
