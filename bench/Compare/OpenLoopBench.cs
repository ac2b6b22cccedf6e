using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// <c>openloop</c>: latency at fixed request rates, for gateway pass-through and the realistic mix. Each system's
/// closed-loop capacity is measured first with wrk in the same run; then <see cref="OpenLoop"/> sends at fractions of
/// it, latencies counted from each request's intended send time.
/// </summary>
internal static class OpenLoopBench
{
    private const string Question = "How do I reset my password?";

    public static Command Command()
    {
        var seconds = BenchArgs.With("--seconds", 10, "Duration of the capacity measurement and of each fixed rate.");
        var fractions = BenchArgs.Integers("--percent", [25, 50, 75], "Rates as percentages of the measured closed-loop capacity.");
        var connections = BenchArgs.With("--connections", 16, "wrk -c for the capacity measurement.");
        var pool = BenchArgs.With("--max-connections", 256, "Connections the open-loop generator may open.");
        var warmup = BenchArgs.With("--warmup", 10, "Warm-up seconds per system (wrk) before measuring.");
        var output = BenchArgs.With("--output", "bench/results", "Folder for openloop-<time>.json and .md.");
        var command = new Command("openloop", "Latency percentiles at fixed rates (25/50/75 % of closed-loop capacity) for pass-through and the realistic mix, free of coordinated omission.")
        {
            seconds, fractions, connections, pool, warmup, output,
        };
        command.SetAction(p => RunAsync(p.GetValue(seconds), p.GetValue(fractions)!, p.GetValue(connections), p.GetValue(pool), p.GetValue(warmup), p.GetValue(output)!));
        return command;
    }

    private static async Task<int> RunAsync(int seconds, int[] percents, int connections, int pool, int warmup, string output)
    {
        if (seconds is < 1 or > 120 || percents.Length == 0 || percents.Any(p => p is < 1 or > 200) || connections is < 1 or > 1024 || pool is < 1 or > 4096 || warmup is < 1 or > 120)
        {
            Console.Error.WriteLine("openloop: --seconds 1..120, --percent 1..200 each, --connections 1..1024, --max-connections 1..4096, --warmup 1..120");
            return 2;
        }
        if (NginxPeer.Binary() is not { } nginxBinary || WrkRun.Binary() is not { } wrk)
        {
            Console.Error.WriteLine("openloop: needs nginx and wrk; run scripts/setup-bench.sh");
            return 1;
        }
        await using var upstream = await CannedUpstream.StartAsync(nginxBinary, BenchArgs.FreePort());
        var plainPort = BenchArgs.FreePort();
        await using var plain = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{plainPort} --config {CompareBench.Config(upstream.Port, cache: false)}", $"http://127.0.0.1:{plainPort}/readyz");
        var cachedPort = BenchArgs.FreePort();
        await using var cached = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{cachedPort} --config {CompareBench.Config(upstream.Port, cache: true)}", $"http://127.0.0.1:{cachedPort}/readyz");
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + BenchGatewayConfig.Key };
        var body = $$"""{"model":"bench-model","messages":[{"role":"user","content":"{{Question}}"}]}""";
        // The direct upstream at the pass-through's rates, same generator: what the generator and the machine add by themselves.
        var direct = new CompareSystem("nginx upstream (direct), same rates", "keep-alive", $"http://127.0.0.1:{upstream.Port}/v1/chat/completions", body, () => upstream.ProcessId);
        var systems = new List<(CompareSystem System, IReadOnlyList<string> Bodies, CompareSystem? Reference)>
        {
            (new CompareSystem("gateway pass-through", "keep-alive", $"http://127.0.0.1:{plainPort}/v1/chat/completions", body, () => plain.Id) { Headers = headers }, [body], direct),
        };
        if (MixBodies.Generate() is { } mix)
            systems.Add((mix.Row($"http://127.0.0.1:{cachedPort}/v1/chat/completions", () => cached.Id, headers), mix.Lines(), null));

        var rows = new List<OpenLoopRow>();
        foreach (var (system, bodies, reference) in systems)
        {
            await WrkRun.RunAsync(wrk, system, connections, TimeSpan.FromSeconds(warmup), "warm");
            var cpuBefore = Peers.TreeCpuTime(system.ProcessId());
            var capacity = await WrkRun.RunAsync(wrk, system, connections, TimeSpan.FromSeconds(seconds), "capacity");
            var cpu = Peers.TreeCpuTime(system.ProcessId()) - cpuBefore;
            var closed = new OpenLoopRow(system.Name, "closed loop (wrk)", 100, capacity.Requests / capacity.Seconds, capacity.Requests / capacity.Seconds, capacity.P50, capacity.P90, capacity.P99,
                double.NaN, double.NaN, double.NaN, capacity.Errors, cpu.TotalMicroseconds / Math.Max(1, capacity.Requests), Load(),
                system.CountHits ? capacity.Hits / (double)Math.Max(1, capacity.Requests) : null);
            rows.Add(closed);
            Console.WriteLine($"  {system.Name}: closed-loop capacity {closed.TargetRate:0} req/s (wrk -c{connections}), p50 {capacity.P50:0.000} ms, load {closed.LoadAverage:0.0}");
            // The generator's own warm-up (its JIT, its connections), discarded.
            await OpenLoop.RunAsync(system.Url, bodies, system.Headers, closed.TargetRate * percents.Min() / 100, TimeSpan.FromSeconds(3), pool);
            foreach (var percent in percents)
            {
                var rate = closed.TargetRate * percent / 100;
                rows.Add(await FixedRateAsync(system, bodies, percent, rate, seconds, pool));
                if (reference is not null)
                    rows.Add(await FixedRateAsync(reference, [reference.Body], percent, rate, seconds, pool));
            }
        }

        var markdown = Markdown(rows, seconds, connections, pool);
        Directory.CreateDirectory(output);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        File.WriteAllText(Path.Combine(output, $"openloop-{stamp}.md"), markdown);
        File.WriteAllText(Path.Combine(output, $"openloop-{stamp}.json"), JsonSerializer.Serialize(rows, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals }));
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.Combine(output, $"openloop-{stamp}")}.json/.md");
        return rows.Any(r => r.Errors > 0) ? 1 : 0;
    }

    private static async Task<OpenLoopRow> FixedRateAsync(CompareSystem system, IReadOnlyList<string> bodies, int percent, double rate, int seconds, int pool)
    {
        var cpuBefore = Peers.TreeCpuTime(system.ProcessId());
        var r = await OpenLoop.RunAsync(system.Url, bodies, system.Headers, rate, TimeSpan.FromSeconds(seconds), pool);
        var cpu = Peers.TreeCpuTime(system.ProcessId()) - cpuBefore;
        var row = new OpenLoopRow(system.Name, "open loop", percent, rate, r.CompletedRate, r.P50, r.P90, r.P99, r.P999, r.ServiceP99, r.SendLagP99, r.Errors + r.Unfinished,
            cpu.TotalMicroseconds / Math.Max(1, r.Completed), Load(), system.CountHits ? r.Hits / (double)Math.Max(1, r.Completed) : null);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {system.Name} at {percent} % ({rate:0} req/s): achieved {r.CompletedRate:0}, p50 {r.P50:0.000} p99 {r.P99:0.000} p99.9 {r.P999:0.000} ms, send lag p99 {r.SendLagP99:0.000} ms, errors {r.Errors}, unfinished {r.Unfinished}, load {row.LoadAverage:0.0}"));
        return row;
    }

    private static double Load() => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    private static string Markdown(List<OpenLoopRow> rows, int seconds, int connections, int pool)
    {
        static string F(double v, string format) => double.IsNaN(v) ? "-" : v.ToString(format, CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Closed-loop capacity from wrk -c{connections} ({seconds} s), then the bench's open-loop generator (C#, SocketsHttpHandler, up to {pool} connections; Debian has no wrk2) at fixed fractions of it for {seconds} s each. Open-loop latencies run from each request's intended send time (no coordinated omission); The generator is warmed up (3 s, discarded) before each system's fixed rates. 'send lag' is how late the generator itself handed requests out, and the direct-upstream rows at the pass-through's rates show what the generator and the machine add on their own: where achieved < target or the direct row is slow too, the generator or the machine was the limit, not the gateway. CPU is the gateway process's from /proc ÷ requests answered. Load average (1 min) as each row ended.");
        text.AppendLine();
        text.AppendLine("| system | mode | % of capacity | target req/s | achieved req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | service p99 ms | send lag p99 ms | hits | CPU µs/req | errors | load avg |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.System} | {r.Mode} | {r.Percent} | {F(r.TargetRate, "0")} | {F(r.AchievedRate, "0")} | {F(r.P50, "0.000")} | {F(r.P90, "0.000")} | {F(r.P99, "0.000")} | {F(r.P999, "0.000")} | {F(r.ServiceP99, "0.000")} | {F(r.SendLagP99, "0.000")} | {(r.HitRatio is { } h ? F(h * 100, "0") + " %" : "-")} | {F(r.CpuMicros, "0.0")} | {r.Errors} | {F(r.LoadAverage, "0.0")} |");
        }
        return text.ToString();
    }
}

/// <summary>One row of <c>openloop</c>: the closed-loop capacity or one fixed rate; latencies in milliseconds.</summary>
internal sealed record OpenLoopRow(string System, string Mode, int Percent, double TargetRate, double AchievedRate, double P50, double P90, double P99, double P999,
    double ServiceP99, double SendLagP99, long Errors, double CpuMicros, double LoadAverage, double? HitRatio);
