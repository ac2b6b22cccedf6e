using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// <c>overload</c>: a flood of unique questions (cache misses) against a slow provider, far above what the gateway may
/// forward at once, while one client asks a cached question and another polls <c>/healthz</c>. Run against a gateway
/// that sheds (small <c>MaxConcurrentForwards</c> + queue) and one that does not, in the same run.
/// </summary>
internal static class OverloadBench
{
    private const string Key = BenchGatewayConfig.Key;

    public static Command Command()
    {
        var seconds = BenchArgs.With("--seconds", 10, "Duration of each phase.");
        var connections = BenchArgs.With("--connections", 256, "Flooding connections (wrk -c).");
        var concurrent = BenchArgs.With("--max-concurrent", 32, "Gateway:Limits:MaxConcurrentForwards of the shedding gateway.");
        var queued = BenchArgs.With("--max-queued", 32, "Gateway:Limits:MaxQueuedForwards of the shedding gateway.");
        var latency = BenchArgs.With("--provider-latency-ms", 100, "The fake provider's delay before answering.");
        var command = new Command("overload", "Shedding vs not under a flood of misses: what the flood gets, and what cache hits and /healthz get meanwhile.")
        {
            seconds, connections, concurrent, queued, latency,
        };
        command.SetAction(p => RunAsync(p.GetValue(seconds), p.GetValue(connections), p.GetValue(concurrent), p.GetValue(queued), p.GetValue(latency)));
        return command;
    }

    private static async Task<int> RunAsync(int seconds, int connections, int concurrent, int queued, int latencyMs)
    {
        if (seconds is < 1 or > 120 || connections is < 1 or > 2048 || concurrent < 1 || queued < 0)
        {
            Console.Error.WriteLine("overload: --seconds 1..120, --connections 1..2048, --max-concurrent ≥ 1, --max-queued ≥ 0");
            return 2;
        }
        if (WrkRun.Binary() is not { } wrk)
        {
            Console.Error.WriteLine("overload: needs wrk; run scripts/setup-bench.sh");
            return 1;
        }
        var upstreamPort = BenchArgs.FreePort();
        await using var upstream = await ChildProcess.StartAsync($"fake-upstream --urls http://127.0.0.1:{upstreamPort} --latency-ms {latencyMs}", $"http://127.0.0.1:{upstreamPort}/health");
        var rows = new List<string>();
        foreach (var (name, limit, queue) in new[] { ("sheds", concurrent, queued), ("does not shed", 100_000, 100_000) })
        {
            var port = BenchArgs.FreePort();
            await using var gateway = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{port} --config {Config(upstreamPort, limit, queue)}", $"http://127.0.0.1:{port}/readyz");
            var url = $"http://127.0.0.1:{port}/v1/chat/completions";
            var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + Key };
            var hit = new CompareSystem("hit", "overload", url, """{"model":"bench-model","messages":[{"role":"user","content":"How do I reset my password?"}]}""", () => gateway.Id) { Headers = headers, Connections = 1 };
            var health = new CompareSystem("healthz", "overload", $"http://127.0.0.1:{port}/healthz", "", () => gateway.Id) { Method = "GET", Connections = 1 };
            var flood = new CompareSystem("flood", "overload", url, """{"model":"bench-model","messages":[{"role":"user","content":"QUESTION"}]}""", () => gateway.Id)
            {
                Headers = headers, Unique = true, CountShed = true,
            };
            await SeedAsync(url);
            await WrkRun.RunAsync(wrk, hit, 1, TimeSpan.FromSeconds(2), "warm");
            var idleHit = await WrkRun.RunAsync(wrk, hit, 1, TimeSpan.FromSeconds(seconds), "idle");
            var floodRun = WrkRun.RunAsync(wrk, flood, connections, TimeSpan.FromSeconds(seconds), name.Replace(' ', '-'));
            var hitRun = WrkRun.RunAsync(wrk, hit, 1, TimeSpan.FromSeconds(seconds), "busy");
            var healthRun = WrkRun.RunAsync(wrk, health, 1, TimeSpan.FromSeconds(seconds), "busy");
            var (f, h, z) = (await floodRun, await hitRun, await healthRun);
            var served = f.Requests - f.Shed;
            Console.WriteLine($"  {name}: flood {f}, shed {f.Shed}; hits idle {idleHit}; hits busy {h}; healthz busy {z}");
            rows.Add(string.Create(CultureInfo.InvariantCulture,
                $"| {name} ({(limit >= 100_000 ? "unbounded" : $"{limit} + {queue} queued")}) | {served / f.Seconds:0} | {f.Shed / f.Seconds:0} | {f.P50:0.0} / {f.P99:0.0} | {idleHit.P50:0.000} / {idleHit.P99:0.000} | {h.P50:0.000} / {h.P99:0.000} | {h.Requests / h.Seconds:0} | {z.P50:0.000} / {z.P99:0.000} | {f.Errors - f.Shed + h.Errors + z.Errors} |"));
        }
        Console.WriteLine();
        Console.WriteLine($"flood: wrk -c{connections}, unique questions (misses), provider answers after {latencyMs} ms; one client asks a cached question and one polls /healthz meanwhile; {seconds} s per phase. Flood latency mixes answers and 503s.");
        Console.WriteLine();
        Console.WriteLine("| gateway | flood answered/s | flood shed 503/s | flood p50 / p99 ms | hit p50 / p99 ms, idle | hit p50 / p99 ms, under flood | hits/s under flood (1 conn) | /healthz p50 / p99 ms, under flood | other errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows)
            Console.WriteLine(row);
        return 0;
    }

    /// <summary>Stores the cached question's answer and waits until it is served as a hit.</summary>
    private static async Task SeedAsync(string url)
    {
        using var http = new HttpClient();
        for (var i = 0; i < 100; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"model":"bench-model","messages":[{"role":"user","content":"How do I reset my password?"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var response = await http.SendAsync(request);
            if (response.Headers.TryGetValues("x-cache", out var cache) && cache.First() == "HIT")
                return;
            await Task.Delay(100);
        }
        throw new InvalidOperationException("the cached question never became a hit");
    }

    private static string Config(int upstreamPort, int limit, int queue)
    {
        var path = Path.Combine(Path.GetTempPath(), $"llmgateway-overload-{Guid.NewGuid():N}.json");
        var storage = Path.Combine(Path.GetTempPath(), $"llmgateway-overload-data-{Guid.NewGuid():N}");
        File.WriteAllText(path, $$"""
        {
          "Logging": { "LogLevel": { "Default": "Warning" } },
          "Gateway": {
            "Storage": { "Path": "{{storage}}" },
            "Embeddings": { "Provider": "hashing" },
            "Limits": { "MaxConcurrentForwards": {{limit}}, "MaxQueuedForwards": {{queue}} },
            "Providers": { "fake": { "BaseUrl": "http://127.0.0.1:{{upstreamPort}}/v1" } },
            "Models": { "bench-model": { "Provider": "fake" } },
            "Teams": { "bench": { "KeySha256": [ "{{Auth.TeamKeys.Sha256Hex(Key)}}" ] } }
          }
        }
        """);
        return path;
    }
}
