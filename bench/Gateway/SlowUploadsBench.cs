using System.CommandLine;
using System.Globalization;
using LlmGateway.Bench.Common;

namespace LlmGateway.Bench.Gateway;

/// <summary>
/// Memory of the gateway under slow uploads: many loopback connections declare a 16 MB body and trickle it, while
/// legitimate ~1 MB chat requests keep coming. Reports the gateway process's RSS (baseline, peak, after the uploads
/// are closed), how the legitimate requests fared, and the gateway's CPU time per legitimate request. The gateway
/// runs in its own process, optionally another build of it (<c>--gateway-exe</c>) so that two commits are measured
/// in one session, and optionally under a GC heap limit (<c>--heap-limit-mb</c>).
/// </summary>
internal static class SlowUploadsBench
{
    private const long DeclaredLength = 16_777_000;
    private const double Mb = 1024 * 1024;
    private static readonly TimeSpan LegitInterval = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan ControlPhase = TimeSpan.FromSeconds(5);

    public static Command Command()
    {
        var connections = BenchArgs.With("--connections", 200, "Slow uploads, each declaring a 16,777,000-byte body (1..1000).");
        var seconds = BenchArgs.With("--seconds", 20.0, "How long the slow uploads trickle (up to 120).");
        var bytesPerSecond = BenchArgs.With("--bytes-per-second", 1024, "What each slow upload sends per second.");
        var settleSeconds = BenchArgs.With("--settle-seconds", 5.0, "Wait after closing the slow uploads before the last memory reading.");
        var heapLimitMb = BenchArgs.With("--heap-limit-mb", 0, "DOTNET_GCHeapHardLimit for the gateway, in MiB (0: none).");
        var gatewayExe = BenchArgs.With("--gateway-exe", "", "Another build's LlmGateway executable to measure (default: this build's).");
        var command = new Command("slow-uploads", "Gateway memory, legitimate 1 MB requests and CPU while slow uploads declare 16 MB bodies.")
        {
            connections, seconds, bytesPerSecond, settleSeconds, heapLimitMb, gatewayExe,
        };
        command.SetAction(p => RunAsync(p.GetValue(connections), p.GetValue(seconds), p.GetValue(bytesPerSecond), p.GetValue(settleSeconds), p.GetValue(heapLimitMb), p.GetValue(gatewayExe)!));
        return command;
    }

    private static async Task<int> RunAsync(int connections, double seconds, int bytesPerSecond, double settleSeconds, int heapLimitMb, string gatewayExe)
    {
        // Bounded on purpose: this runs on a shared machine, against loopback only.
        if (connections is < 1 or > 1000 || seconds is <= 0 or > 120 || bytesPerSecond is < 1 or > 1024 * 1024 || settleSeconds is < 0 or > 60 || heapLimitMb < 0)
        {
            Console.Error.WriteLine("slow-uploads: --connections 1..1000, --seconds up to 120, --bytes-per-second 1..1048576, --settle-seconds up to 60");
            return 2;
        }

        var upstreamPort = BenchArgs.FreePort();
        var gatewayPort = BenchArgs.FreePort();
        var config = BenchGatewayConfig.Write(upstreamPort);
        var environment = new Dictionary<string, string>();
        if (heapLimitMb > 0)
            environment["DOTNET_GCHeapHardLimit"] = $"0x{heapLimitMb * 1024L * 1024:X}";
        try
        {
            await using var upstream = await ChildProcess.StartAsync($"fake-upstream --urls http://127.0.0.1:{upstreamPort}", $"http://127.0.0.1:{upstreamPort}/health");
            await using var gateway = await ChildProcess.StartAsync($"--urls http://127.0.0.1:{gatewayPort} --config {config}",
                $"http://127.0.0.1:{gatewayPort}/healthz", environment, gatewayExe.Length > 0 ? gatewayExe : null);

            Console.WriteLine($"# slow uploads: {connections} connections declaring Content-Length {DeclaredLength}, each sending {bytesPerSecond} B/s for {seconds} s; " +
                              $"a ~1 MB chat request every {LegitInterval.TotalSeconds} s throughout");
            Console.WriteLine($"gateway: {(gatewayExe.Length > 0 ? Path.GetFullPath(gatewayExe) : "this build")}, " +
                              $"GC heap limit: {(heapLimitMb > 0 ? $"{heapLimitMb} MiB" : "none")}");
            await MeasureAsync(gateway.Id, gatewayPort, connections, TimeSpan.FromSeconds(seconds), bytesPerSecond, TimeSpan.FromSeconds(settleSeconds));
        }
        finally
        {
            File.Delete(config);
            if (Directory.Exists(BenchGatewayConfig.StoragePath))
                Directory.Delete(BenchGatewayConfig.StoragePath, recursive: true);
        }
        return 0;
    }

    private static async Task MeasureAsync(int pid, int port, int connections, TimeSpan duration, int bytesPerSecond, TimeSpan settle)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { Timeout = TimeSpan.FromSeconds(20) };
        var legit = new LegitTraffic(http, new Uri($"http://127.0.0.1:{port}/v1/chat/completions"), BenchGatewayConfig.Key, BenchGatewayConfig.Model);
        // Warm-up, not counted: connections, JIT.
        await legit.RunAsync(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(4));

        var cpu = ProcStatus.CpuTime(pid);
        var control = await legit.RunAsync(LegitInterval, ControlPhase);
        var controlCpu = ProcStatus.CpuTime(pid) - cpu;
        var baselineRss = ProcStatus.ResidentBytes(pid);
        var baselineData = ProcStatus.DataBytes(pid);

        long peakRss = baselineRss, peakData = baselineData;
        using var stopSampling = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, ProcStatus.ResidentBytes(pid));
                peakData = Math.Max(peakData, ProcStatus.DataBytes(pid));
                await Task.Delay(100);
            }
        });

        cpu = ProcStatus.CpuTime(pid);
        string answers;
        long sent;
        LegitOutcome during;
        using (var uploaders = await SlowUploaders.OpenAsync(port, connections, BenchGatewayConfig.Key, BenchGatewayConfig.Model, DeclaredLength))
        {
            var trickle = uploaders.TrickleAsync(bytesPerSecond, duration);
            during = await legit.RunAsync(LegitInterval, duration);
            sent = await trickle;
            answers = uploaders.Answers();
        }
        var duringCpu = ProcStatus.CpuTime(pid) - cpu;
        await stopSampling.CancelAsync();
        await sampling;

        cpu = ProcStatus.CpuTime(pid);
        var after = await legit.RunAsync(LegitInterval, settle);
        var afterCpu = ProcStatus.CpuTime(pid) - cpu;
        var afterRss = ProcStatus.ResidentBytes(pid);
        var afterData = ProcStatus.DataBytes(pid);

        Console.WriteLine($"legit request body: {legit.BodyBytes} bytes");
        Console.WriteLine("| phase | gateway RSS MiB | gateway VmData MiB | legit OK | legit failed | legit p50 / max ms | gateway CPU ms per legit request |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        Row($"legit requests alone, {ControlPhase.TotalSeconds:0} s (at its end = baseline)", baselineRss, baselineData, control, controlCpu);
        Row($"{connections} slow uploads open, {duration.TotalSeconds:0} s (peaks, sampled every 0.1 s)", peakRss, peakData, during, duringCpu);
        Row($"{settle.TotalSeconds:0} s after closing them (at its end)", afterRss, afterData, after, afterCpu);
        Console.WriteLine($"slow uploads: {sent / 1024.0:0} KiB sent in all against {connections * (double)DeclaredLength / Mb:0} MiB declared; " +
                          $"answered before they were closed: {answers}. Gateway's highest RSS in its life (VmHWM): {ProcStatus.PeakResidentBytes(pid) / Mb:0} MiB. " +
                          "VmData is private writable memory mapped, i.e. what the GC committed whether touched or not; " +
                          "CPU during the slow uploads includes reading their bytes; a phase of 10 requests is too short for a steady CPU figure " +
                          "(one gen-2 collection moves it), so compare the slow-upload phase across builds.");
    }

    private static void Row(string phase, long rss, long data, LegitOutcome legit, TimeSpan cpu)
    {
        var perRequest = legit.Total == 0 ? "-" : $"{cpu.TotalMilliseconds / legit.Total:0.0}";
        var failed = legit.Failed == 0 ? "0" : $"{legit.Failed} ({legit.Failures})";
        Console.WriteLine($"| {phase} | {rss / Mb:0} | {data / Mb:0} | {legit.Ok} | {failed} | {legit.LatencyMs[50]:0} / {legit.LatencyMs[100]:0} | {perRequest} |");
    }
}
