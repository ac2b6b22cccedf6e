using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Proxy;

/// <summary>
/// Added latency of the gateway: the same requests, in the same run, sent directly to the fake upstream
/// and through the gateway (each in its own process), at fixed open-loop rates; then max throughput and
/// streaming time-to-first-byte.
/// </summary>
internal static class ProxyBench
{
    private const string Key = BenchGatewayConfig.Key;
    private const string Body = "{\"model\":\"bench-model\",\"messages\":[{\"role\":\"user\",\"content\":\"How do I reset my password?\"}]}";
    private const string StreamBody = "{\"model\":\"bench-model\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"How do I reset my password?\"}]}";

    public static Command Command()
    {
        var rates = BenchArgs.Integers("--rates", [250, 500, 1000], "Open-loop request rates per second.");
        var seconds = BenchArgs.With("--seconds", 10.0, "Duration of each rate.");
        var command = new Command("proxy", "Gateway vs direct upstream: added latency, throughput, streaming TTFB.") { rates, seconds };
        command.SetAction(p => RunAsync(p.GetValue(rates)!, p.GetValue(seconds)));
        return command;
    }

    private static async Task<int> RunAsync(int[] rates, double seconds)
    {
        var upstreamPort = BenchArgs.FreePort();
        var gatewayPort = BenchArgs.FreePort();
        var config = BenchGatewayConfig.Write(upstreamPort);

        await using var upstream = await ChildProcess.StartAsync($"fake-upstream --urls http://127.0.0.1:{upstreamPort}", $"http://127.0.0.1:{upstreamPort}/health");
        await using var gateway = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{gatewayPort} --config {config}", $"http://127.0.0.1:{gatewayPort}/healthz");

        var nginxBinary = NginxPeer.Binary();
        var nginxPort = BenchArgs.FreePort();
        await using var nginx = nginxBinary is null ? null : await NginxPeer.StartAsync(nginxBinary, nginxPort, upstreamPort);
        if (nginx is null)
            Console.WriteLine("(nginx not installed: run scripts/setup-bench.sh to compare with it)");

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan });
        var direct = new Uri($"http://127.0.0.1:{upstreamPort}/v1/chat/completions");
        var through = new Uri($"http://127.0.0.1:{gatewayPort}/v1/chat/completions");
        var viaNginx = new Uri($"http://127.0.0.1:{nginxPort}/v1/chat/completions");
        Func<Task<bool>> Sender(Uri uri, string body) => async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return response.StatusCode == HttpStatusCode.OK;
        };

        Console.WriteLine($"# proxy bench: non-streaming chat, open loop, {seconds} s per point, fake upstream with no latency");
        await LoadGenerator.MaxThroughputAsync(Sender(through, Body), 16, TimeSpan.FromSeconds(3)); // warm-up (JIT, connections)
        await LoadGenerator.MaxThroughputAsync(Sender(direct, Body), 16, TimeSpan.FromSeconds(2));
        Console.WriteLine("| rate/s | direct p50 ms | gateway p50 ms | added p50 ms | direct p99 ms | gateway p99 ms | added p99 ms | nginx added p50 / p99 ms | errors |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var rate in rates)
        {
            var (d, de) = await LoadGenerator.OpenLoopAsync(Sender(direct, Body), rate, TimeSpan.FromSeconds(seconds));
            var (g, ge) = await LoadGenerator.OpenLoopAsync(Sender(through, Body), rate, TimeSpan.FromSeconds(seconds));
            var peer = "-";
            if (nginx is not null)
            {
                var (n, ne) = await LoadGenerator.OpenLoopAsync(Sender(viaNginx, Body), rate, TimeSpan.FromSeconds(seconds));
                peer = $"{n[50] - d[50]:0.000} / {n[99] - d[99]:0.000}";
                ge += ne;
            }
            Console.WriteLine($"| {rate} | {d[50]:0.000} | {g[50]:0.000} | {g[50] - d[50]:0.000} | {d[99]:0.000} | {g[99]:0.000} | {g[99] - d[99]:0.000} | {peer} | {de + ge} |");
        }

        var directMax = await LoadGenerator.MaxThroughputAsync(Sender(direct, Body), 64, TimeSpan.FromSeconds(seconds));
        var gatewayMax = await LoadGenerator.MaxThroughputAsync(Sender(through, Body), 64, TimeSpan.FromSeconds(seconds));
        Console.WriteLine();
        var nginxMax = nginx is null ? double.NaN : await LoadGenerator.MaxThroughputAsync(Sender(viaNginx, Body), 64, TimeSpan.FromSeconds(seconds));
        Console.WriteLine($"max throughput (64 concurrent, closed loop): direct {directMax:0} req/s, gateway {gatewayMax:0} req/s (ratio {gatewayMax / directMax:0.00}), nginx {nginxMax:0} req/s (ratio {nginxMax / directMax:0.00})");

        // One client, back to back: no scheduling noise, the cleanest view of the added latency.
        var (seqDirect, seqDirectMean) = await SequentialAsync(Sender(direct, Body), 3000);
        var metricsUrl = new Uri($"http://127.0.0.1:{gatewayPort}/metrics");
        var overheadBefore = await OverheadAsync(http, metricsUrl);
        var (seqGateway, seqGatewayMean) = await SequentialAsync(Sender(through, Body), 3000);
        var overheadAfter = await OverheadAsync(http, metricsUrl);
        var seqNginx = nginx is null ? null : (await SequentialAsync(Sender(viaNginx, Body), 3000)).Percentiles;
        Console.WriteLine($"sequential (1 client, 3000 requests): direct p50 {seqDirect[50]:0.000} ms p99 {seqDirect[99]:0.000}; gateway p50 {seqGateway[50]:0.000} p99 {seqGateway[99]:0.000} " +
                          $"(added p50 {seqGateway[50] - seqDirect[50]:0.000}, p99 {seqGateway[99] - seqDirect[99]:0.000})" +
                          (seqNginx is null ? "" : $"; nginx added p50 {seqNginx[50] - seqDirect[50]:0.000}, p99 {seqNginx[99] - seqDirect[99]:0.000}"));
        // What the gateway says it adds (llm_gateway_overhead_seconds: its pipeline's time minus upstream time) beside
        // what the client measured (the same 3000 requests, warm-up included in both).
        var overheadMs = (overheadAfter.Sum - overheadBefore.Sum) / Math.Max(1, overheadAfter.Count - overheadBefore.Count) * 1000;
        var addedMs = seqGatewayMean - seqDirectMean;
        Console.WriteLine($"overhead metric vs measured (sequential, means): llm_gateway_overhead_seconds {overheadMs:0.000} ms per request " +
                          $"({overheadAfter.Count - overheadBefore.Count:0} counted); measured added {addedMs:0.000} ms; metric / measured {overheadMs / addedMs:0.00}");

        var ttfbDirect = await TimeToFirstByteAsync(http, direct, 300);
        var ttfbGateway = await TimeToFirstByteAsync(http, through, 300);
        Console.WriteLine($"streaming time to first byte (300 sequential): direct p50 {ttfbDirect[50]:0.000} ms p99 {ttfbDirect[99]:0.000} ms; " +
                          $"gateway p50 {ttfbGateway[50]:0.000} ms p99 {ttfbGateway[99]:0.000} ms; added p50 {ttfbGateway[50] - ttfbDirect[50]:0.000} ms");
        return 0;
    }

    private static async Task<(Percentiles Percentiles, double Mean)> SequentialAsync(Func<Task<bool>> send, int count)
    {
        var result = new Percentiles();
        var total = 0.0;
        for (var i = 0; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            await send();
            var ms = clock.Elapsed.TotalMilliseconds;
            total += ms;
            if (i >= 200) result.Add(ms);
        }
        return (result, total / count);
    }

    /// <summary>Sum and count of <c>llm_gateway_overhead_seconds</c> over all its series.</summary>
    private static async Task<(double Sum, double Count)> OverheadAsync(HttpClient http, Uri metrics)
    {
        var (sum, count) = (0.0, 0.0);
        foreach (var line in (await http.GetStringAsync(metrics)).Split('\n'))
        {
            var value = line.Length > 0 && line[0] != '#' ? line[(line.LastIndexOf(' ') + 1)..] : null;
            if (value is null || !double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v))
                continue;
            if (line.StartsWith("llm_gateway_overhead_seconds_sum", StringComparison.Ordinal)) sum += v;
            else if (line.StartsWith("llm_gateway_overhead_seconds_count", StringComparison.Ordinal)) count += v;
        }
        return (sum, count);
    }

    private static async Task<Percentiles> TimeToFirstByteAsync(HttpClient http, Uri uri, int count)
    {
        var result = new Percentiles();
        var buffer = new byte[1];
        for (var i = 0; i < count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new StringContent(StreamBody, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            var clock = Stopwatch.StartNew();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            await using var stream = await response.Content.ReadAsStreamAsync();
            await stream.ReadExactlyAsync(buffer);
            if (i >= 20) result.Add(clock.Elapsed.TotalMilliseconds);
            await stream.CopyToAsync(Stream.Null);
        }
        return result;
    }
}
