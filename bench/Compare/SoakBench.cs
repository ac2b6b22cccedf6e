using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Compare;

/// <summary>
/// <c>soak</c>: the realistic mix (see <see cref="MixBodies"/>) against one cache-on gateway for a long, bounded time on
/// loopback, sampling the gateway process's resident memory, private data, threads and open handles from /proc, and
/// its GC heap through <c>dotnet-counters</c> when installed (the gateway's /metrics exports only its own meters).
/// Growth is judged from after the warm-up to the end: the cache fills and the JIT settles during the warm-up.
/// </summary>
internal static class SoakBench
{
    public static Command Command()
    {
        var duration = BenchArgs.With("--duration", 600, "Seconds of load in all, warm-up included.");
        var warmup = BenchArgs.With("--warmup", 60, "Seconds after which the 'after warm-up' sample is taken.");
        var connections = BenchArgs.With("--connections", 16, "Keep-alive connections (wrk -c).");
        var interval = BenchArgs.With("--sample-seconds", 10, "Seconds between samples.");
        var output = BenchArgs.With("--output", "bench/results", "Folder for soak-<time>.json, .md and .csv.");
        var command = new Command("soak", "Mixed load against one gateway for --duration s: RSS, GC heap, threads and handles at start, after warm-up and at the end.")
        {
            duration, warmup, connections, interval, output,
        };
        command.SetAction(p => RunAsync(p.GetValue(duration), p.GetValue(warmup), p.GetValue(connections), p.GetValue(interval), p.GetValue(output)!));
        return command;
    }

    private static async Task<int> RunAsync(int duration, int warmup, int connections, int interval, string output)
    {
        if (duration is < 10 or > 7200 || warmup < 1 || warmup >= duration || connections is < 1 or > 1024 || interval is < 1 or > 600)
        {
            Console.Error.WriteLine("soak: --duration 10..7200, --warmup 1..duration-1, --connections 1..1024, --sample-seconds 1..600");
            return 2;
        }
        if (NginxPeer.Binary() is not { } nginxBinary || WrkRun.Binary() is not { } wrk)
        {
            Console.Error.WriteLine("soak: needs nginx and wrk; run scripts/setup-bench.sh");
            return 1;
        }
        if (MixBodies.Generate() is not { } mix)
            return 1;
        await using var upstream = await CannedUpstream.StartAsync(nginxBinary, BenchArgs.FreePort());
        var port = BenchArgs.FreePort();
        await using var gateway = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{port} --config {CompareBench.Config(upstream.Port, cache: true)}", $"http://127.0.0.1:{port}/readyz");
        var headers = new Dictionary<string, string> { ["Authorization"] = "Bearer " + BenchGatewayConfig.Key };
        var system = mix.Row($"http://127.0.0.1:{port}/v1/chat/completions", () => gateway.Id, headers);

        var countersFile = Path.Combine(Path.GetTempPath(), $"llmgw-soak-counters-{Guid.NewGuid():N}.csv");
        using var counters = StartCounters(gateway.Id, interval, duration + interval, countersFile);
        Console.WriteLine($"# soak: {duration} s of the mix ({mix.Describe()}), wrk -c{connections}, gateway pid {gateway.Id}, samples every {interval} s; GC heap: {(counters is null ? "dotnet-counters not found (run scripts/setup-bench.sh or set DOTNET_COUNTERS), left out" : "dotnet-counters")}");

        var samples = new List<Sample> { Sample.Take(gateway.Id, TimeSpan.Zero) };
        var clock = Stopwatch.StartNew();
        var cpuBefore = ProcStatus.CpuTime(gateway.Id);
        var load = WrkRun.RunAsync(wrk, system, connections, TimeSpan.FromSeconds(duration), "soak");
        while (!load.IsCompleted)
        {
            await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(interval)));
            var sample = Sample.Take(gateway.Id, clock.Elapsed);
            samples.Add(sample);
            Console.WriteLine($"  {sample}");
        }
        var result = await load;
        var cpu = ProcStatus.CpuTime(gateway.Id) - cpuBefore;
        var heaps = counters is null ? [] : await StopCountersAsync(counters, countersFile);

        var start = samples[0];
        var afterWarmup = samples.First(s => s.Elapsed.TotalSeconds >= warmup);
        var end = samples[^1];
        var report = new SoakReport(duration, warmup, connections, mix.Describe(), result.Requests / result.Seconds, result.P50, result.P99, result.Errors,
            result.Hits / (double)Math.Max(1, result.Requests), cpu.TotalMicroseconds / Math.Max(1, result.Requests), samples, heaps,
            Heap(heaps, TimeSpan.Zero), Heap(heaps, afterWarmup.Elapsed), Heap(heaps, end.Elapsed));
        Directory.CreateDirectory(output);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var markdown = report.Markdown(start, afterWarmup, end);
        File.WriteAllText(Path.Combine(output, $"soak-{stamp}.md"), markdown);
        File.WriteAllText(Path.Combine(output, $"soak-{stamp}.json"), JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"written: {Path.Combine(output, $"soak-{stamp}")}.json/.md");
        return result.Errors > 0 ? 1 : 0;
    }

    /// <summary>The GC heap sample nearest to <paramref name="at"/>, if dotnet-counters ran.</summary>
    private static HeapSample? Heap(IReadOnlyList<HeapSample> heaps, TimeSpan at) =>
        heaps.Count == 0 ? null : heaps.MinBy(h => Math.Abs((h.Elapsed - at).TotalSeconds));

    private static string? CountersTool()
    {
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var repository = new List<string>(); // bench/peers/tools, where scripts/setup-bench.sh installs it
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            repository.Add(Path.Combine(dir.FullName, "bench", "peers", "tools", "dotnet-counters"));
        var candidates = new[] { Environment.GetEnvironmentVariable("DOTNET_COUNTERS"), Path.Combine(home, ".dotnet", "tools", "dotnet-counters") }
            .Concat(repository)
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "dotnet-counters")));
        return candidates.FirstOrDefault(c => c is not null && File.Exists(c));
    }

    private static Process? StartCounters(int pid, int interval, int seconds, string file)
    {
        if (CountersTool() is not { } tool)
            return null;
        var span = TimeSpan.FromSeconds(seconds);
        var info = new ProcessStartInfo(tool, $"collect -p {pid} --counters System.Runtime --refresh-interval {interval} --format csv -o {file} --duration {span.Days:00}:{span.Hours:00}:{span.Minutes:00}:{span.Seconds:00}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // it reads Q to quit
        };
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Asks dotnet-counters to quit (it writes the file then) and reads the GC heap per refresh from its CSV.</summary>
    private static async Task<IReadOnlyList<HeapSample>> StopCountersAsync(Process counters, string file)
    {
        if (!counters.HasExited)
        {
            await counters.StandardInput.WriteAsync('q');
            await counters.StandardInput.FlushAsync();
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await counters.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { counters.Kill(); }
        if (!File.Exists(file))
            return [];
        var rows = File.ReadLines(file).Skip(1).Select(l => l.Split(',')).Where(f => f.Length >= 5).ToList();
        var stamps = rows.Select(r => r[0]).Distinct().ToList();
        var first = Stamp(stamps[0]);
        var heaps = new List<HeapSample>();
        foreach (var stamp in stamps)
        {
            var at = rows.Where(r => r[0] == stamp).ToList();
            double Sum(string name) => at.Where(r => r[2].StartsWith(name, StringComparison.Ordinal)).Sum(r => double.Parse(r[4], CultureInfo.InvariantCulture));
            heaps.Add(new HeapSample(Stamp(stamp) - first, (long)Sum("dotnet.gc.last_collection.heap.size"), (long)Sum("dotnet.gc.last_collection.memory.committed_size"),
                (long)Sum("dotnet.gc.last_collection.heap.fragmentation.size")));
        }
        try { File.Delete(file); } catch (IOException) { }
        return heaps;
    }

    private static DateTime Stamp(string text) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var t) ? t : DateTime.MinValue;
}

/// <summary>One reading of the gateway process from /proc.</summary>
internal sealed record Sample(TimeSpan Elapsed, long ResidentBytes, long DataBytes, int Threads, int Handles, double LoadAverage)
{
    public static Sample Take(int pid, TimeSpan elapsed)
    {
        var threads = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("Threads:", StringComparison.Ordinal))["Threads:".Length..].Trim();
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        return new Sample(elapsed, ProcStatus.ResidentBytes(pid), ProcStatus.DataBytes(pid), int.Parse(threads, CultureInfo.InvariantCulture),
            Directory.GetFiles($"/proc/{pid}/fd").Length, double.Parse(load, CultureInfo.InvariantCulture));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Elapsed.TotalSeconds,5:0} s: RSS {ResidentBytes / 1048576.0:0.0} MiB, data {DataBytes / 1048576.0:0.0} MiB, threads {Threads}, handles {Handles}, load {LoadAverage:0.0}");
}

/// <summary>The GC's view after its last collection (dotnet-counters): heap size, committed memory and fragmentation, all generations.</summary>
internal sealed record HeapSample(TimeSpan Elapsed, long HeapBytes, long CommittedBytes, long FragmentationBytes);

internal sealed record SoakReport(int Duration, int Warmup, int Connections, string Mix, double RequestsPerSecond, double P50, double P99, long Errors, double HitRatio,
    double CpuMicrosPerRequest, IReadOnlyList<Sample> Samples, IReadOnlyList<HeapSample> Heaps, HeapSample? HeapStart, HeapSample? HeapAfterWarmup, HeapSample? HeapEnd)
{
    public string Markdown(Sample start, Sample warm, Sample end)
    {
        static string Mib(double bytes) => (bytes / 1048576.0).ToString("0.0", CultureInfo.InvariantCulture);
        // One sample is noisy (the GC heap is read after whichever collection came last): the trend compares the medians
        // of the first and the last quarter of the samples taken under load after the warm-up.
        static string Trend<T>(IReadOnlyList<T> samples, Func<T, double> value, double tolerance, double slack)
        {
            if (samples.Count < 4)
                return "too few samples";
            static double Median(IEnumerable<double> values) => values.Order().ElementAt(values.Count() / 2);
            var quarter = samples.Count / 4;
            var (from, to) = (Median(samples.Take(quarter).Select(value)), Median(samples.TakeLast(quarter).Select(value)));
            var verdict = Math.Abs(to - from) <= Math.Max(tolerance * Math.Abs(from), slack) ? "flat" : to > from ? "growing" : "shrinking";
            return string.Create(CultureInfo.InvariantCulture, $"{verdict} ({from:0.#} → {to:0.#})");
        }
        var postWarmup = Samples.Where(s => s.Elapsed >= warm.Elapsed && s != end).ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Soak: {Duration} s of the realistic mix ({Mix}) against one cache-on gateway, wrk -c{Connections} on loopback; samples from /proc every few seconds, GC heap from dotnet-counters (System.Runtime, after the last collection). 'trend' compares the medians of the first and last quarter of the samples under load after the warm-up: flat = within 10 % (threads ±4, handles ±8).");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Load: {RequestsPerSecond:0} req/s, p50 {P50:0.000} ms, p99 {P99:0.000} ms, {HitRatio * 100:0} % hits, {CpuMicrosPerRequest:0.0} µs CPU/req, errors {Errors}; load average {start.LoadAverage:0.0} at the start, {end.LoadAverage:0.0} at the end.");
        text.AppendLine();
        text.AppendLine("| figure | start (idle; GC: first refresh, under load) | after warm-up | end (load just stopped) | post-warm-up min … max | trend after warm-up |");
        text.AppendLine("|---|---|---|---|---|---|");
        text.AppendLine(CultureInfo.InvariantCulture, $"| at s | 0 | {warm.Elapsed.TotalSeconds:0} | {end.Elapsed.TotalSeconds:0} | | |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| RSS MiB | {Mib(start.ResidentBytes)} | {Mib(warm.ResidentBytes)} | {Mib(end.ResidentBytes)} | {Mib(postWarmup.Min(s => s.ResidentBytes))} … {Mib(postWarmup.Max(s => s.ResidentBytes))} | {Trend(postWarmup, s => s.ResidentBytes / 1048576.0, 0.1, 0)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| private data (VmData) MiB | {Mib(start.DataBytes)} | {Mib(warm.DataBytes)} | {Mib(end.DataBytes)} | {Mib(postWarmup.Min(s => s.DataBytes))} … {Mib(postWarmup.Max(s => s.DataBytes))} | {Trend(postWarmup, s => s.DataBytes / 1048576.0, 0.1, 0)} |");
        if (HeapStart is { } h0 && HeapAfterWarmup is { } h1 && HeapEnd is { } h2)
        {
            var heaps = Heaps.Where(h => h.Elapsed >= h1.Elapsed && h.Elapsed < end.Elapsed - TimeSpan.FromSeconds(1)).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"| GC heap MiB | {Mib(h0.HeapBytes)} | {Mib(h1.HeapBytes)} | {Mib(h2.HeapBytes)} | {Mib(heaps.Min(h => h.HeapBytes))} … {Mib(heaps.Max(h => h.HeapBytes))} | {Trend(heaps, h => h.HeapBytes / 1048576.0, 0.1, 0)} |");
            text.AppendLine(CultureInfo.InvariantCulture, $"| GC committed MiB | {Mib(h0.CommittedBytes)} | {Mib(h1.CommittedBytes)} | {Mib(h2.CommittedBytes)} | {Mib(heaps.Min(h => h.CommittedBytes))} … {Mib(heaps.Max(h => h.CommittedBytes))} | {Trend(heaps, h => h.CommittedBytes / 1048576.0, 0.1, 0)} |");
        }
        else
        {
            text.AppendLine("| GC heap | - | - | - | - | dotnet-counters not found |");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"| threads | {start.Threads} | {warm.Threads} | {end.Threads} | {postWarmup.Min(s => s.Threads)} … {postWarmup.Max(s => s.Threads)} | {Trend(postWarmup, s => s.Threads, 0, 4)} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| handles (/proc/pid/fd) | {start.Handles} | {warm.Handles} | {end.Handles} | {postWarmup.Min(s => s.Handles)} … {postWarmup.Max(s => s.Handles)} | {Trend(postWarmup, s => s.Handles, 0, 8)} |");
        return text.ToString();
    }
}
