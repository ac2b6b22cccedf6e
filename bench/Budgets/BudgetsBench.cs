using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Bench.Common;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Bench.Budgets;

/// <summary>
/// 1. Per-request overhead of the budgets step: the real <see cref="BudgetMiddleware"/> (rate limit, price, reservation,
///    usage parse, settlement, ledger append) around a no-op forward, minus the same no-op forward alone.
/// 2. Ledger throughput with the stated durability: concurrent writers each waiting for its record's group commit.
/// </summary>
internal static class BudgetsBench
{
    private const string Key = "sk-gw-bench";

    public static Command Command()
    {
        var iterations = BenchArgs.With("--iterations", 200_000, "Requests through the budgets step.");
        var seconds = BenchArgs.With("--seconds", 5.0, "Duration of the ledger throughput run.");
        var writers = BenchArgs.With("--writers", 256, "Concurrent ledger writers.");
        var commitMs = BenchArgs.With("--commit-ms", 2, "Ledger group-commit interval.");
        var command = new Command("budgets", "Budgets step overhead per request; ledger throughput with group commit.") { iterations, seconds, writers, commitMs };
        command.SetAction(p => RunAsync(p.GetValue(iterations), p.GetValue(seconds), p.GetValue(writers), p.GetValue(commitMs)));
        return command;
    }

    private static async Task<int> RunAsync(int iterations, double seconds, int writers, int commitMs)
    {
        var storage = Path.Combine(Path.GetTempPath(), "llmgw-budgets-bench-" + Guid.NewGuid().ToString("N"));
        try
        {
            await OverheadAsync(storage + "-overhead", iterations);
            await LedgerThroughputAsync(storage + "-ledger", writers, TimeSpan.FromSeconds(seconds), commitMs);
        }
        finally
        {
            foreach (var dir in new[] { storage + "-overhead", storage + "-ledger" })
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    private static async Task OverheadAsync(string storage, int iterations)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Providers:main:BaseUrl"] = "http://127.0.0.1:9/v1",
            ["Gateway:Models:gpt-4o-mini:Provider"] = "main",
            ["Gateway:Teams:bench:KeySha256:0"] = TeamKeys.Sha256Hex(Key),
            ["Gateway:Teams:bench:Budget:MonthlyUsd"] = "1000000",
            ["Gateway:Teams:bench:Budget:DailyUsd"] = "100000",
            ["Gateway:Teams:bench:RateLimit:Rpm"] = "100000000",
            ["Gateway:Teams:bench:RateLimit:Tpm"] = "2000000000",
            ["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "0.15",
            ["Gateway:Prices:gpt-4o-mini:OutputPer1M"] = "0.60",
            ["Gateway:Storage:Path"] = storage,
            // The commit wait is durability latency, measured below; here only the CPU work of the step.
            ["Gateway:Accounting:AwaitCommit"] = "false",
        };
        await using var provider = StandaloneBudgets.Build(settings);
        var store = provider.GetRequiredService<GatewayConfigStore>();
        store.Current.Teams.TryFind(TeamKeys.Sha256Hex(Key), out var team);
        store.Current.Routing.TryResolve("gpt-4o-mini", out var route);
        var answer = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"To reset your password, open settings and choose reset."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":11,"total_tokens":25,"prompt_tokens_details":{"cached_tokens":0}}}""");
        const string request = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"How do I reset my password?"}]}""";
        var raw = Encoding.UTF8.GetBytes(request);

        RequestDelegate forward = context =>
        {
            context.Features.Set(new UpstreamAttempt(route!.Primary, 0, isLast: true));
            var capture = context.Features.Get<CapturedResponse>();
            if (capture is not null)
            {
                capture.StatusCode = 200;
                capture.ContentType = "application/json";
                capture.FirstByteTimestamp = 1;
                capture.Append(answer);
            }
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var middleware = ActivatorUtilities.CreateInstance<BudgetMiddleware>(provider, forward);
        HttpContext NewContext()
        {
            var context = new DefaultHttpContext();
            context.Request.ContentLength = raw.Length;
            context.Features.Set(team);
            context.Features.Set(new GatewayRequest(OpenAiEndpoint.ChatCompletions, JsonNode.Parse(request)!.AsObject(), raw, "gpt-4o-mini", route, stream: false));
            context.Features.Set(new CapturedResponse(8 << 20, 0));
            return context;
        }

        var withStep = new Percentiles();
        var without = new Percentiles();
        for (var i = 0; i < iterations + 20_000; i++)
        {
            var a = NewContext();
            var b = NewContext();
            var t0 = Stopwatch.GetTimestamp();
            await middleware.InvokeAsync(a);
            var t1 = Stopwatch.GetTimestamp();
            await forward(b);
            var t2 = Stopwatch.GetTimestamp();
            if (i < 20_000) continue; // warm-up (JIT, tiering)
            withStep.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds * 1000);
            without.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds * 1000);
        }
        var ledger = provider.GetRequiredService<LedgerKeeper>();
        Console.WriteLine($"# budgets step overhead ({iterations} sequential requests, non-streaming chat, team with rate limits and budgets, ledger append included, commit wait excluded)");
        Console.WriteLine("| | p50 µs | p90 µs | p99 µs |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| no-op forward alone | {without[50]:0.00} | {without[90]:0.00} | {without[99]:0.00} |");
        Console.WriteLine($"| budgets step + no-op forward | {withStep[50]:0.00} | {withStep[90]:0.00} | {withStep[99]:0.00} |");
        Console.WriteLine($"| added by the budgets step | {withStep[50] - without[50]:0.00} | {withStep[90] - without[90]:0.00} | {withStep[99] - without[99]:0.00} |");
        Console.WriteLine($"ledger records written: {ledger.Ledger.Read().Count()}");
        await ledger.StopAsync(CancellationToken.None);
        ledger.Dispose();
    }

    private static async Task LedgerThroughputAsync(string storage, int writers, TimeSpan duration, int commitMs)
    {
        using var ledger = UsageLedger.Open(Path.Combine(storage, "ledger"));
        using var stop = new CancellationTokenSource();
        var commitLoop = ledger.RunCommitLoopAsync(TimeSpan.FromMilliseconds(commitMs), stop.Token);
        var record = new UsageRecord(DateTimeOffset.UtcNow, "bench-team", "0123456789ab", "gpt-4o-mini", "openai", 1200, 200, 350, 0.000402m, 0m, CacheResult.Miss, false, "req_0123456789abcdef0123456789abcdef");

        // Raw append rate (in memory, no wait).
        var clock = Stopwatch.StartNew();
        var raw = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1)) { ledger.Append(record); raw++; }
        var rawRate = raw / clock.Elapsed.TotalSeconds;
        await ledger.CommitAsync();

        // Acknowledged rate: each writer appends and waits for its group commit before the next record.
        var latency = new Percentiles();
        long acknowledged = 0;
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            var local = new List<double>(4096);
            while (Stopwatch.GetTimestamp() < end)
            {
                var t0 = Stopwatch.GetTimestamp();
                var address = ledger.Append(record);
                await ledger.WaitCommittedAsync(address);
                local.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                Interlocked.Increment(ref acknowledged);
            }
            foreach (var l in local) latency.Add(l);
        })));
        var ackRate = acknowledged / clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await commitLoop;
        var bytes = UsageRecordCodec.Encode(record).Length;

        Console.WriteLine();
        Console.WriteLine($"# ledger (FasterLog, {bytes}-byte records + FASTER header/checksum, group commit every {commitMs} ms)");
        Console.WriteLine($"append only (in memory, one thread, 1 s): {rawRate:0} records/s");
        Console.WriteLine($"acknowledged (append + wait for commit, {writers} concurrent writers, {duration.TotalSeconds:0} s): {ackRate:0} records/s; " +
                          $"append→ack latency p50 {latency[50]:0.00} ms, p99 {latency[99]:0.00} ms, max {latency[100]:0.00} ms");
    }
}
