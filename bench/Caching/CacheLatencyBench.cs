using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// <c>cache</c>: client-side latency, in one run, of: the provider directly (fake upstream, 200 ms), a gateway
/// miss, an exact hit and a semantic hit (hashing embedder); exact-hit throughput; and what the cache adds
/// to a miss over the plain proxy path (fast upstream, cache on vs off, same questions).
/// </summary>
internal static class CacheLatencyBench
{
    private const string Key = "sk-gw-bench";

    /// <summary>Requests per series against the 200 ms upstream (direct, then a gateway miss): 20 s each.</summary>
    private const int SlowSeriesSamples = 100;

    /// <summary>Requests sent before each of those series and not timed.</summary>
    private const int WarmUpSamples = 10;

    public static Command Command()
    {
        var count = BenchArgs.With("--count", 2000, "Questions per measurement.");
        var embedder = BenchArgs.With("--embedder", "all-MiniLM-L6-v2", "The gateways' embedder: a built-in model name (the gateway's default) or 'hashing'.");
        var command = new Command("cache", "Direct vs miss vs exact/semantic hit latency, hits/s, what the cache adds to a miss.") { count, embedder };
        command.SetAction(p => RunAsync(p.GetValue(count), p.GetValue(embedder)!));
        return command;
    }

    private static async Task<int> RunAsync(int count, string embedder)
    {
        var slowPort = BenchArgs.FreePort();
        var fastPort = BenchArgs.FreePort();
        var cachedPort = BenchArgs.FreePort();
        var plainPort = BenchArgs.FreePort();
        var fastCachedPort = BenchArgs.FreePort();
        await using var slow = await ChildProcess.StartAsync($"fake-upstream --urls http://127.0.0.1:{slowPort} --latency-ms 200", $"http://127.0.0.1:{slowPort}/health");
        await using var fast = await ChildProcess.StartAsync($"fake-upstream --urls http://127.0.0.1:{fastPort}", $"http://127.0.0.1:{fastPort}/health");
        await using var cached = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{cachedPort} --config {Config(slowPort, cache: true, embedder)}", $"http://127.0.0.1:{cachedPort}/readyz");
        await using var plain = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{plainPort} --config {Config(fastPort, cache: false, embedder)}", $"http://127.0.0.1:{plainPort}/readyz");
        await using var fastCached = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{fastCachedPort} --config {Config(fastPort, cache: true, embedder)}", $"http://127.0.0.1:{fastCachedPort}/readyz");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 });

        async Task<double> Ask(int port, string question, string expectCache)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"http://127.0.0.1:{port}/v1/chat/completions")
            {
                Content = new StringContent($"{{\"model\":\"bench-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"{question}\"}}]}}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            var cache = response.Headers.TryGetValues("x-cache", out var v) ? v.First() : "-";
            if (expectCache != "*" && cache != expectCache)
                throw new InvalidOperationException($"expected X-Cache {expectCache}, got {cache} for '{question}'");
            return elapsed;
        }

        async Task<Percentiles> Series(int n, Func<int, Task<double>> one)
        {
            var p = new Percentiles();
            for (var i = 0; i < n; i++) p.Add(await one(i));
            return p;
        }

        Console.WriteLine($"# cache latency bench (client side, sequential unless noted), embedder {embedder}");
        // Warmed first: a p99 of the first requests would time connection setup, JIT and the model's first run, not a miss.
        await Series(WarmUpSamples, i => AskDirect(http, slowPort, $"direct warm-up {i}"));
        await Series(WarmUpSamples, i => Ask(cachedPort, $"gateway warm-up {i}", "MISS"));
        var direct = await Series(SlowSeriesSamples, i => AskDirect(http, slowPort, $"direct question {i}"));
        var miss = await Series(SlowSeriesSamples, i => Ask(cachedPort, $"gateway miss question {i}", "MISS"));
        await Ask(cachedPort, "How do I reset my password?", "MISS");
        await Series(200, _ => Ask(cachedPort, "How do I reset my password?", "HIT")); // warm-up
        var exact = await Series(count, _ => Ask(cachedPort, "How do I reset my password?", "HIT"));
        await Series(200, _ => Ask(cachedPort, "How can I reset my password?", "HIT"));
        var semantic = await Series(count, _ => Ask(cachedPort, "How can I reset my password?", "HIT"));
        var hitsPerSecond = await LoadGenerator.MaxThroughputAsync(async () => { await Ask(cachedPort, "How do I reset my password?", "HIT"); return true; }, 32, TimeSpan.FromSeconds(5));

        // Miss overhead: the same unique questions through a plain gateway and a caching one, fast upstream.
        await Series(300, i => Ask(plainPort, $"warm {i}", "BYPASS"));
        await Series(300, i => Ask(fastCachedPort, $"warm {i}", "MISS"));
        var plainPath = await Series(count, i => Ask(plainPort, $"unique question number {i} about topic {i * 7}", "BYPASS"));
        var missPath = await Series(count, i => Ask(fastCachedPort, $"unique question number {i} about topic {i * 7}", "MISS"));

        Console.WriteLine("| path | p50 ms | p99 ms |");
        Console.WriteLine("|---|---|---|");
        Console.WriteLine($"| direct upstream (200 ms fake) | {direct[50]:0.000} | {direct[99]:0.000} |");
        Console.WriteLine($"| gateway miss (200 ms fake) | {miss[50]:0.000} | {miss[99]:0.000} |");
        Console.WriteLine($"| exact hit | {exact[50]:0.000} | {exact[99]:0.000} |");
        Console.WriteLine($"| semantic hit ({embedder}) | {semantic[50]:0.000} | {semantic[99]:0.000} |");
        Console.WriteLine($"| plain proxy path, fast upstream, cache off | {plainPath[50]:0.000} | {plainPath[99]:0.000} |");
        Console.WriteLine($"| miss path, fast upstream, cache on | {missPath[50]:0.000} | {missPath[99]:0.000} |");
        Console.WriteLine();
        Console.WriteLine($"exact hits/s (32 concurrent, closed loop): {hitsPerSecond:0}");
        Console.WriteLine($"miss adds over the plain proxy path: p50 {missPath[50] - plainPath[50]:0.000} ms (includes embedding the question and storing the answer)");
        return 0;
    }

    private static async Task<double> AskDirect(HttpClient http, int port, string question)
    {
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync($"http://127.0.0.1:{port}/v1/chat/completions",
            new StringContent($"{{\"model\":\"bench-model\",\"messages\":[{{\"role\":\"user\",\"content\":\"{question}\"}}]}}", Encoding.UTF8, "application/json"));
        await response.Content.ReadAsByteArrayAsync();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static string Config(int upstreamPort, bool cache, string embedder)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmgateway-cache-bench-{Guid.NewGuid():N}.json");
        var storage = Path.Combine(Path.GetTempPath(), $"llmgateway-cache-bench-data-{Guid.NewGuid():N}");
        File.WriteAllText(path, $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "Gateway": {
            "Storage": { "Path": "{{storage}}" },
            "Cache": { "Enabled": {{(cache ? "true" : "false")}}, {{(embedder == "hashing" ? "\"Threshold\": 0.9" : "\"Semantic\": \"on\"")}} },
            "Embeddings": {{(embedder == "hashing" ? "{ \"Provider\": \"hashing\" }" : $"{{ \"Model\": \"{embedder}\" }}")}},
            "Providers": { "fake": { "BaseUrl": "http://127.0.0.1:{{upstreamPort}}/v1" } },
            "Models": { "bench-model": { "Provider": "fake" } },
            "Teams": { "bench": { "KeySha256": [ "{{Auth.TeamKeys.Sha256Hex(Key)}}" ] } }
          }
        }
        """);
        return path;
    }
}
