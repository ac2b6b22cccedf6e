using System.CommandLine;
using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Bench.Common;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.Usage;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.Tokenizers;

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
            foreach (var dir in Directory.GetDirectories(Path.GetDirectoryName(storage)!, Path.GetFileName(storage) + "-*"))
                Directory.Delete(dir, recursive: true);
        }
        return 0;
    }

    /// <summary>One request shape: the prompt's tokenizer and the body of request number i (unique bodies defeat the count cache).</summary>
    private sealed record Scenario(string Name, string Tokenizer, int Iterations, Func<int, string> Body, bool Stream = false);

    private static async Task OverheadAsync(string storage, int iterations)
    {
        // 20 KB of real English: a RAG document or a long conversation; "new each time" takes another window of the prose.
        var prose = Prose(100_000);
        var document = prose[..20_000];
        string Window(int i) => $"{i} {prose.Substring(i * 7919 % (prose.Length - 20_000), 20_000)}";
        Scenario[] scenarios =
        [
            new("short chat (92 bytes)", "bytes", iterations, _ => ShortRequest),
            new("short chat (92 bytes)", "o200k_base", iterations, _ => ShortRequest),
            new("20 KB prompt, new each time", "bytes", iterations / 20, i => LongRequest(Window(i))),
            new("20 KB prompt, new each time", "o200k_base", iterations / 20, i => LongRequest(Window(i))),
            new("20 KB prompt, repeated", "o200k_base", iterations / 20, _ => LongRequest(document)),
            new("20 KB prompt + new 1 KB question", "o200k_base", iterations / 20, i => LongRequest(document, $"{i} {document[..1000]}")),
            // Through the capture step too: per event the usage-only check and the overrun count, then the usage parse.
            new("streamed chat, 200 events", "o200k_base", iterations / 20, _ => StreamRequest, Stream: true),
        ];
        Console.WriteLine("# budgets step overhead (sequential requests, chat, team with rate limits and budgets, ledger append included, commit wait excluded)");
        Console.WriteLine("| prompt | Tokenizer | requests | no-op forward alone p50 µs | added by the budgets step p50 / p90 / p99 µs | prompt bound reserved (tokens) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        // Not printed: the first scenario would otherwise carry the JIT and tiering of the whole step.
        await ScenarioAsync($"{storage}-warm-up", scenarios[0] with { Iterations = iterations / 4 }, print: false);
        for (var n = 0; n < scenarios.Length; n++)
            await ScenarioAsync($"{storage}-{n}", scenarios[n], print: true);
        // What counting everything inline would cost: the reason for the per-request budget and the cache.
        var tokenizer = TiktokenTokenizer.CreateForEncoding("o200k_base");
        var counting = new Percentiles();
        var tokens = 0;
        for (var i = 0; i < 30; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            tokens = tokenizer.CountTokens(Window(i));
            if (i >= 5) counting.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        Console.WriteLine($"counting a 20 KB window of the prose inline with o200k_base: {tokens} tokens, p50 {counting[50]:0.00} ms, max {counting[100]:0.00} ms " +
                          "(the short chat's provider usage is 14 prompt tokens)");
    }

    private static async Task ScenarioAsync(string storage, Scenario scenario, bool print)
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
            ["Gateway:Prices:gpt-4o-mini:Tokenizer"] = scenario.Tokenizer,
            ["Gateway:Storage:Path"] = storage,
            // The commit wait is durability latency, measured below; here only the CPU work of the step.
            ["Gateway:Accounting:AwaitCommit"] = "false",
        };
        await using var provider = StandaloneBudgets.Build(settings);
        await provider.GetRequiredService<TextTokenCounter>().LoadAsync(TokenizerKind.O200kBase);
        var store = provider.GetRequiredService<GatewayConfigStore>();
        store.Current.Teams.TryFind(TeamKeys.Sha256Hex(Key), out var team);
        store.Current.Routing.TryResolve("gpt-4o-mini", out var route);
        var answer = Encoding.UTF8.GetBytes("""{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini","choices":[{"index":0,"message":{"role":"assistant","content":"To reset your password, open settings and choose reset."},"finish_reason":"stop"}],"usage":{"prompt_tokens":14,"completion_tokens":11,"total_tokens":25,"prompt_tokens_details":{"cached_tokens":0}}}""");

        RequestDelegate forward = context =>
        {
            // What the capture step and the failover step leave on the exchange.
            var capture = context.Features.GetRequiredFeature<ICaptureExchange>().StartCapture(8 << 20, 0);
            context.Features.GetRequiredFeature<IFailoverExchange>().BeginAttempt(route!.Primary, 0, isLast: true, cluster: null);
            capture.StatusCode = 200;
            capture.ContentType = "application/json";
            capture.FirstByteTimestamp = 1;
            capture.Append(answer);
            context.Response.StatusCode = 200;
            return Task.CompletedTask;
        };
        var events = StreamEvents();
        RequestDelegate streamForward = async context =>
        {
            context.Features.GetRequiredFeature<IFailoverExchange>().BeginAttempt(route!.Primary, 0, isLast: true, cluster: null);
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            foreach (var e in events)
                await context.Response.Body.WriteAsync(e);
        };
        if (scenario.Stream)
            forward = streamForward;
        var middleware = scenario.Stream
            ? ActivatorUtilities.CreateInstance<BudgetMiddleware>(provider, (RequestDelegate)ActivatorUtilities.CreateInstance<ResponseCaptureMiddleware>(provider, forward).InvokeAsync)
            : ActivatorUtilities.CreateInstance<BudgetMiddleware>(provider, forward);
        HttpContext NewContext(int i)
        {
            var request = scenario.Body(i);
            var raw = Encoding.UTF8.GetBytes(request);
            var context = new DefaultHttpContext();
            context.Request.ContentLength = raw.Length;
            context.Features.Set(team);
            GatewayExchange.Start(context, team!, new GatewayRequest(OpenAiEndpoint.ChatCompletions, JsonNode.Parse(request)!.AsObject(), raw, "gpt-4o-mini", route, stream: scenario.Stream));
            return context;
        }

        var withStep = new Percentiles();
        var without = new Percentiles();
        var warmUp = Math.Min(20_000, scenario.Iterations / 10);
        for (var i = 0; i < scenario.Iterations + warmUp; i++)
        {
            var a = NewContext(i);
            var b = NewContext(i);
            var t0 = Stopwatch.GetTimestamp();
            await middleware.InvokeAsync(a);
            var t1 = Stopwatch.GetTimestamp();
            await forward(b);
            var t2 = Stopwatch.GetTimestamp();
            if (i < warmUp) continue; // JIT, tiering, and the count cache of repeated text
            withStep.Add(Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds * 1000);
            without.Add(Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds * 1000);
        }
        var last = NewContext(scenario.Iterations + warmUp);
        var config = provider.GetRequiredService<BudgetsConfigProvider>().Current;
        var bound = RequestEstimate.For(last.Exchange()!.Request, last.Request.ContentLength, null, 4096,
            config.Prices.Tokenizer(route!), provider.GetRequiredService<TextTokenCounter>()).PromptUpperBound;
        if (print)
            Console.WriteLine($"| {scenario.Name} | {scenario.Tokenizer} | {scenario.Iterations} | {without[50]:0.00} | " +
                              $"{withStep[50] - without[50]:0.00} / {withStep[90] - without[90]:0.00} / {withStep[99] - without[99]:0.00} | {bound} |");
        var ledger = provider.GetRequiredService<LedgerKeeper>();
        await ledger.StopAsync(CancellationToken.None);
        ledger.Dispose();
    }

    private const string ShortRequest = """{"model":"gpt-4o-mini","messages":[{"role":"user","content":"How do I reset my password?"}]}""";

    private const string StreamRequest = """{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"How do I reset my password?"}]}""";

    /// <summary>An OpenAI stream asked for usage: a role chunk, 200 one-token deltas (each with <c>"usage":null</c>), the usage chunk, <c>[DONE]</c>.</summary>
    private static List<byte[]> StreamEvents()
    {
        const string head = """data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[""";
        var events = new List<string> { head + """{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n" };
        for (var i = 0; i < 200; i++)
            events.Add(head + $$$"""{"index":0,"delta":{"content":" word{{{i}}}"},"logprobs":null,"finish_reason":null}],"usage":null}""" + "\n\n");
        events.Add(head + """],"usage":{"prompt_tokens":14,"completion_tokens":200,"total_tokens":214,"prompt_tokens_details":{"cached_tokens":0}}}""" + "\n\n");
        events.Add("data: [DONE]\n\n");
        return events.Select(Encoding.UTF8.GetBytes).ToList();
    }

    private static string LongRequest(string document, string question = "What does the document say about budgets?") => new JsonObject
    {
        ["model"] = "gpt-4o-mini",
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "Answer from the document.\n\n" + document },
            new JsonObject { ["role"] = "user", ["content"] = question }),
    }.ToJsonString();

    /// <summary>Real prose: this repository's Markdown (~80 KB of English with code names), repeated to <paramref name="chars"/>.</summary>
    private static string Prose(int chars)
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "LlmGateway.sln")))
            root = root.Parent;
        var text = new StringBuilder();
        if (root is not null)
        {
            foreach (var file in Directory.EnumerateFiles(root.FullName, "*.md", SearchOption.AllDirectories).Order())
            {
                if (!file.Contains("/bin/") && !file.Contains("/obj/") && !file.Contains("/."))
                    text.Append(File.ReadAllText(file)).Append("\n\n");
            }
        }
        if (text.Length == 0)
            text.Append("The gateway reserves the worst case of a request before it forwards it, and settles the real cost after. ");
        while (text.Length < chars)
            text.Append(text.ToString());
        return text.ToString();
    }

    /// <summary>The group commit of <c>LedgerKeeper</c> without its fault handling: one commit per interval.</summary>
    private static async Task RunCommitLoopAsync(UsageLedger ledger, TimeSpan interval, CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping))
                await ledger.CommitAsync(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static async Task LedgerThroughputAsync(string storage, int writers, TimeSpan duration, int commitMs)
    {
        using var ledger = UsageLedger.Open(Path.Combine(storage, "ledger"));
        using var stop = new CancellationTokenSource();
        var commitLoop = RunCommitLoopAsync(ledger, TimeSpan.FromMilliseconds(commitMs), stop.Token);
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
