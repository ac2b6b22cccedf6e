using System.CommandLine;
using System.Diagnostics;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Batching;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.Embeddings.Onnx;
using LlmGateway.Embeddings.Packaged;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmGateway.Bench.Embeddings;

/// <summary>
/// Embeddings benchmark: hashing embedder latency and throughput; for ONNX (the generated test model, and a
/// real model when <c>--model</c> is given) the project's own time around ONNX Runtime (tokenisation and tensor
/// setup, pooling and normalisation) separately from the model run, allocations per call, and micro-batching
/// throughput against one-text-per-run under 32 concurrent callers. Everything is measured in this run.
/// Options: <c>embeddings --help</c>.
/// </summary>
public static class EmbeddingsBench
{
    private const string ShortQuery = "How do I reset my password on the billing portal?";
    private const string ShortJapanese = "パスワードをリセットする方法を教えてください。";

    public static Command Command()
    {
        var model = new Option<string>("--model") { Description = "A built-in model name, or a model folder or .onnx file.", DefaultValueFactory = _ => PackagedModel.MiniLm.Name };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads per run.", DefaultValueFactory = _ => 1 };
        var noArena = new Option<bool>("--no-arena") { Description = "Turn ONNX Runtime's CPU memory arena off." };
        var realOnly = new Option<bool>("--real-only") { Description = "Only the real model (skip hashing and the generated test model)." };
        var compare = new Option<bool>("--compare-settings") { Description = "Compare thread/arena settings of a built-in model, interleaved in one process." };
        var quick = new Option<bool>("--quick") { Description = "Fewer iterations." };
        var command = new Command("embeddings", "Embedder latency, load time and RSS, the project's time around ONNX Runtime, allocations, micro-batching.")
        {
            model, threads, noArena, realOnly, compare, quick,
        };
        command.SetAction(p => RunAsync(p.GetValue(model)!, new OnnxSessionSettings(p.GetValue(threads), !p.GetValue(noArena)), p.GetValue(realOnly), p.GetValue(compare), p.GetValue(quick)));
        return command;
    }

    private static async Task<int> RunAsync(string model, OnnxSessionSettings settings, bool realOnly, bool compareSettings, bool quick)
    {
        Console.WriteLine($"Embeddings bench — {Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:u}; ONNX session: {settings}");
        Console.WriteLine();

        if (!realOnly)
        {
            RunHashing(quick);
            var root = BenchModelFolder.FindRepositoryRoot();
            if (root is null)
            {
                Console.WriteLine("ONNX (generated model): skipped, tests/Embeddings/TestData not found above the working directory.");
            }
            else
            {
                var folder = BenchModelFolder.CreateGenerated(root);
                try
                {
                    await RunOnnxAsync("generated tiny-bert (1 layer, hidden 32) + MiniLM tokenizer", () => OnnxEmbedder.Load(folder, EmbeddingPooling.Mean, 256, settings), quick);
                }
                finally
                {
                    Directory.Delete(folder, true);
                }
            }
        }

        // A built-in model by name (no download), or a model folder.
        var packaged = PackagedModel.Find(model);
        if (compareSettings && packaged is not null)
        {
            CompareSettings(packaged, quick);
            return 0;
        }

        await RunOnnxAsync($"real model {model}",
            () => packaged is not null ? OnnxEmbedder.LoadPackaged(packaged, null, 256, settings) : OnnxEmbedder.Load(model, EmbeddingPooling.Mean, 256, settings),
            quick, real: true);
        return 0;
    }

    private static void RunHashing(bool quick)
    {
        var embedder = new HashingEmbedder(512);
        var iterations = quick ? 5_000 : 50_000;
        Console.WriteLine("== Hashing embedder (dimension 512)");
        foreach (var (label, text) in new[] { ("short English", ShortQuery), ("short Japanese", ShortJapanese) })
        {
            var vector = new float[512];
            for (var i = 0; i < 2_000; i++)
            {
                embedder.Embed(text, vector);
            }

            var samples = new long[iterations];
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                var start = Stopwatch.GetTimestamp();
                embedder.Embed(text, vector);
                samples[i] = Stopwatch.GetTimestamp() - start;
            }

            var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)iterations;
            Console.WriteLine($"  one query, {label,-15} {new LatencyStats(samples)}  alloc {allocated:F0} B/query (span path)");
        }

        var batch = Enumerable.Range(0, 256).Select(i => $"{ShortQuery} variant {i}").ToArray();
        var sw = Stopwatch.StartNew();
        var rounds = quick ? 20 : 200;
        for (var r = 0; r < rounds; r++)
        {
            embedder.EmbedBatchAsync(batch, default).AsTask().GetAwaiter().GetResult();
        }

        Console.WriteLine($"  batched throughput (256 short texts per call, 1 thread): {rounds * batch.Length / sw.Elapsed.TotalSeconds:N0} texts/s");
        Console.WriteLine();
    }

    private static async Task RunOnnxAsync(string label, Func<OnnxEmbedder> load, bool quick, bool real = false)
    {
        Console.WriteLine($"== ONNX: {label}");
        OnnxEmbedder embedder;
        var rssBefore = ResidentMiB();
        var loadWatch = Stopwatch.StartNew();
        try
        {
            embedder = load();
        }
        catch (EmbeddingModelLoadException ex)
        {
            Console.WriteLine($"  not measured: {ex.Message}");
            Console.WriteLine();
            return;
        }

        using (embedder)
        {
            var loadMs = loadWatch.ElapsedMilliseconds;
            var rssLoaded = ResidentMiB();
            // The first call after load is what the first request pays (Load warms the model up).
            var first = Stopwatch.StartNew();
            embedder.EmbedBatch(["Where can I find the invoices of last month?"], CancellationToken.None);
            var firstMs = first.Elapsed.TotalMilliseconds;
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Console.WriteLine($"  loaded in {loadMs} ms (warm-up included); ONNX Runtime {embedder.RuntimeVersion}; dimension {embedder.Dimension}; {embedder.TokenizerDescription}; id {embedder.ModelId}");
            Console.WriteLine($"  RSS before load {rssBefore} MiB, after load {rssLoaded} MiB (+{rssLoaded - rssBefore}), after a full GC {ResidentMiB()} MiB; first call after load {firstMs:F1} ms");
            var iterations = real ? (quick ? 50 : 300) : (quick ? 300 : 3_000);
            var longQuery = string.Concat(Enumerable.Repeat("a much longer question about resetting passwords ", 40));
            foreach (var (name, text) in new[] { ("short query", ShortQuery), ("256-token query", longQuery) })
            {
                MeasurePhases(embedder, name, text, iterations, real ? 20 : 200);
            }

            await MeasureBatchingAsync(embedder, quick || real);
            Console.WriteLine($"  RSS at the end {ResidentMiB()} MiB");
        }

        Console.WriteLine();
    }

    /// <summary>
    /// Session settings side by side in one process, calls interleaved, so the shared machine's load hits every
    /// variant alike: one short query (the cache's request path) and a batch of 32 (the micro-batcher under load).
    /// </summary>
    private static void CompareSettings(PackagedModel model, bool quick)
    {
        var variants = new[] { new OnnxSessionSettings(1, true), new OnnxSessionSettings(2, true), new OnnxSessionSettings(1, false), new OnnxSessionSettings(2, false) };
        var embedders = variants.Select(v => OnnxEmbedder.LoadPackaged(model, null, 256, v)).ToArray();
        try
        {
            var rounds = quick ? 60 : 300;
            var batch = Enumerable.Range(0, 32).Select(i => $"{ShortQuery} variant number {i}").ToArray();
            var single = variants.Select(_ => new List<long>()).ToArray();
            var batched = variants.Select(_ => new List<long>()).ToArray();
            for (var r = 0; r < rounds; r++)
            {
                for (var v = 0; v < variants.Length; v++)
                {
                    var start = Stopwatch.GetTimestamp();
                    embedders[v].EmbedBatch([ShortQuery], CancellationToken.None);
                    single[v].Add(Stopwatch.GetTimestamp() - start);
                    if (r % 10 == 0)
                    {
                        start = Stopwatch.GetTimestamp();
                        embedders[v].EmbedBatch(batch, CancellationToken.None);
                        batched[v].Add(Stopwatch.GetTimestamp() - start);
                    }
                }
            }

            Console.WriteLine($"== {model.Name}: session settings, interleaved in one process ({rounds} rounds)");
            for (var v = 0; v < variants.Length; v++)
            {
                var batch32 = new LatencyStats(batched[v]);
                Console.WriteLine($"  threads {variants[v].IntraOpThreads}, arena {(variants[v].CpuMemoryArena ? "on " : "off")}: one query {new LatencyStats(single[v])}; batch of 32 p50 {batch32.P50 / 1000:F1} ms ({32_000_000 / batch32.P50:F0} texts/s)");
            }
        }
        finally
        {
            foreach (var embedder in embedders)
            {
                embedder.Dispose();
            }
        }
    }

    private static long ResidentMiB()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64 >> 20;
    }

    private static void MeasurePhases(OnnxEmbedder embedder, string name, string text, int iterations, int warmup)
    {
        for (var i = 0; i < warmup; i++)
        {
            embedder.EmbedBatch([text], CancellationToken.None);
        }

        var prepare = new long[iterations];
        var run = new long[iterations];
        var pool = new long[iterations];
        var texts = new[] { text };
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            var t = default(OnnxPhaseTimings);
            embedder.EmbedBatch(texts, CancellationToken.None, ref t);
            prepare[i] = t.PrepareTicks;
            run[i] = t.RunTicks;
            pool[i] = t.PoolTicks;
        }

        var allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / (double)iterations;
        var ours = prepare.Zip(pool, (a, b) => a + b).ToArray();
        Console.WriteLine($"  {name} ({embedder.CountTokens(text)} tokens):");
        Console.WriteLine($"    project work (tokenise+tensors+pool+normalise) {new LatencyStats(ours)}");
        Console.WriteLine($"      of which tokenise+tensor setup            {new LatencyStats(prepare)}");
        Console.WriteLine($"      of which pooling+normalise+release        {new LatencyStats(pool)}");
        Console.WriteLine($"    ONNX Runtime Run                               {new LatencyStats(run)}");
        Console.WriteLine($"    whole call (one query, end to end)             {new LatencyStats(prepare.Zip(run, (a, b) => a + b).Zip(pool, (a, b) => a + b))}");
        Console.WriteLine($"    managed allocation per call (whole call, incl. result arrays): {allocated:F0} B");
    }

    private static async Task MeasureBatchingAsync(OnnxEmbedder embedder, bool quick)
    {
        const int callers = 32;
        var perCaller = quick ? 10 : 60;
        var unbatched = await ThroughputAsync(embedder, new EmbeddingsOptions { MaxBatchSize = 1, MaxConcurrentBatches = 2 }, callers, perCaller);
        var batched = await ThroughputAsync(embedder, new EmbeddingsOptions { MaxBatchSize = 32, MaxConcurrentBatches = 2 }, callers, perCaller);
        Console.WriteLine($"  {callers} concurrent callers x {perCaller} short queries, 2 workers:");
        Console.WriteLine($"    one text per run : {unbatched.Throughput,9:N0} texts/s   caller latency {unbatched.Latency}");
        Console.WriteLine($"    micro-batched    : {batched.Throughput,9:N0} texts/s   caller latency {batched.Latency}");
        Console.WriteLine($"    ratio batched / one-at-a-time: {batched.Throughput / unbatched.Throughput:F2}x");
    }

    private static async Task<(double Throughput, LatencyStats Latency)> ThroughputAsync(OnnxEmbedder embedder, EmbeddingsOptions options, int callers, int perCaller)
    {
        var batcher = new MicroBatchingEmbedder(new NonDisposingInner(embedder), options, TimeProvider.System, null, NullLogger.Instance);
        try
        {
            await batcher.EmbedAsync(ShortQuery, default);
            var latencies = new long[callers * perCaller];
            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, callers).Select(c => Task.Run(async () =>
            {
                for (var i = 0; i < perCaller; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    await batcher.EmbedAsync($"{ShortQuery} #{c}-{i}", default);
                    latencies[(c * perCaller) + i] = Stopwatch.GetTimestamp() - start;
                }
            })));
            return (callers * perCaller / sw.Elapsed.TotalSeconds, new LatencyStats(latencies));
        }
        finally
        {
            batcher.Dispose();
        }
    }

    /// <summary>Lets several batchers share one loaded model.</summary>
    private sealed class NonDisposingInner(OnnxEmbedder inner) : IBatchTextEmbedder
    {
        public string ModelId => inner.ModelId;

        public int Dimension => inner.Dimension;

        public float[][] EmbedBatch(IReadOnlyList<string> texts, CancellationToken cancellationToken) => inner.EmbedBatch(texts, cancellationToken);

        public void Dispose()
        {
        }
    }
}
