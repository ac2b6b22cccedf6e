using System.CommandLine;
using LlmGateway.Bench.Common;
using LlmGateway.Caching;
using LlmGateway.Embeddings;
using LlmGateway.Embeddings.Hashing;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// <c>cache-quality</c>: precision and recall of cache hits against the threshold, with and without the
/// look-alike guard, on QQP, PAWS-X en/ja and JSTS, for the hashing embedder, a built-in model by name or a model folder.
/// </summary>
internal static class CacheQualityBench
{
    /// <summary>Coarse below 0.90, steps of 0.005 from 0.90 to 0.995: sentence models' cosines (Arctic's above all) crowd above 0.90.</summary>
    internal static readonly double[] Thresholds = [0.70, 0.75, 0.80, 0.85, 0.88, .. Enumerable.Range(180, 20).Select(i => i / 200.0)];

    public static Command Command()
    {
        var max = BenchArgs.With("--max", int.MaxValue, "Pairs per data set at most.");
        var model = BenchArgs.With("--model", "", "A built-in model (all-MiniLM-L6-v2, snowflake-arctic-embed-xs), an ONNX model folder, or 'generated' (the tiny test model); empty: the hashing embedder.");
        var dimension = BenchArgs.With("--dimension", 512, "Dimension of the hashing embedder.");
        var pooling = new Option<string?>("--pooling") { Description = "Pooling of the ONNX model's token vectors (default: a built-in model's own, mean for a folder)." }.AcceptOnlyFromAmong("mean", "cls");
        var showFalseHits = new Option<double?>("--show-false-hits") { Description = "Print up to 30 false hits at or above this cosine." };
        var simulate = new Option<bool>("--simulate") { Description = "Instead of the pair sets: a cache simulation (--set); --max is then the number of questions of each kind (qqp, default 2000) or of unrelated questions (gptcache, default 999)." };
        var seed = BenchArgs.With("--seed", 12, "Seed of the simulation's draw and order.");
        var part = BenchArgs.With("--part", "all", "--simulate on QQP's all, dev or heldout part (the verifier's split; the shipped verifier was trained on the rest).").AcceptOnlyFromAmong("all", "dev", "heldout");
        var set = BenchArgs.With("--set", "qqp", "--simulate on: qqp (QQP's paraphrases, hard negatives and unrelated questions), or gptcache (GPTCache's benchmark: its 999 LLM rewordings of stored statements, plus --max unrelated QQP questions of --part, default 999)").AcceptOnlyFromAmong("qqp", "gptcache");
        var command = new Command("cache-quality", "Precision/recall of cache hits vs threshold on QQP, PAWS-X en/ja and JSTS, or a cache simulation (--simulate).") { max, model, dimension, pooling, showFalseHits, simulate, seed, part, set };
        command.SetAction(p =>
        {
            var poolingValue = p.GetValue(pooling) switch { "cls" => EmbeddingPooling.Cls, "mean" => EmbeddingPooling.Mean, _ => (EmbeddingPooling?)null };
            return p.GetValue(simulate)
                ? SimulateAsync(p.GetResult(max) is { Implicit: false } ? p.GetValue(max) : null, p.GetValue(seed), p.GetValue(model)!, p.GetValue(dimension), poolingValue, p.GetValue(part)!, p.GetValue(set)!)
                : RunAsync(p.GetValue(max), p.GetValue(model)!, p.GetValue(dimension), poolingValue, p.GetValue(showFalseHits));
        });
        return command;
    }

    private static async Task<int> SimulateAsync(int? max, int seed, string model, int dimension, EmbeddingPooling? pooling, string part, string set)
    {
        var folder = QualityData.Folder();
        if (folder is null)
        {
            Console.WriteLine("cache-quality --simulate: ../shared/data not found (set LLMGW_DATA); skipped");
            return 1;
        }
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var embedder = CreateEmbedder(model, dimension, pooling);
        var qqp = QualityData.Qqp(folder);
        if (part != "all")
        {
            var parts = QualitySplit.Assign(qqp);
            var wanted = part == "dev" ? QualitySplit.Part.Dev : QualitySplit.Part.HeldOut;
            qqp = [.. qqp.Where((_, i) => parts[i] == wanted)];
        }
        var simulation = new CacheSimulation(embedder);
        int stored;
        List<CacheSimulation.Query> stream;
        if (set == "gptcache")
        {
            if (QualityData.GptCacheMock(folder) is not { } mock)
            {
                Console.WriteLine("cache-quality --simulate --set gptcache: gptcache-qqp-benchmark/mock_data.json not found; skipped");
                return 1;
            }
            (stored, stream) = await simulation.RunGptCacheAsync(mock, qqp, max ?? mock.Count, seed);
            Console.WriteLine($"# cache simulation, embedder {embedder.ModelId}, GPTCache's benchmark (mock_data.json: {mock.Count} pairs) + unrelated QQP questions ({part}) of {folder}, seed {seed}");
        }
        else
        {
            (stored, stream) = await simulation.RunAsync(qqp, max ?? 2000, seed);
            Console.WriteLine($"# cache simulation, embedder {embedder.ModelId}, QQP ({part}: {qqp.Count} pairs) of {folder}, seed {seed}");
        }
        var kinds = stream.CountBy(q => q.Kind).ToDictionary();
        Console.WriteLine($"{stored} questions stored; a shuffled stream of {stream.Count}: {kinds.GetValueOrDefault(CacheSimulation.Kind.Paraphrase)} paraphrases of stored questions, "
            + $"{kinds.GetValueOrDefault(CacheSimulation.Kind.HardNegative)} hard negatives of stored questions, {kinds.GetValueOrDefault(CacheSimulation.Kind.Unrelated)} unrelated questions");
        Console.WriteLine("hit precision = right hits / hits (a paraphrase served its own stored question); with clusters: also right when the served question is in the asked one's duplicate cluster (QQP's labels, transitively; for gptcache, origins sharing a rewording); false-hit rates = hits / questions of that kind");
        if (HitDecisions.For(embedder.ModelId) is { } shipped)
        {
            Console.WriteLine();
            Console.WriteLine($"## the shipped hit decision for {embedder.ModelId} (cosine >= {shipped.Threshold:0.000}, then the verifier)");
            Console.WriteLine("| decision | hits | hit precision | with clusters | paraphrases served | false hits: hard negatives | false hits: unrelated |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            var decision = HitDecision.For(shipped, useVerifier: true);
            var o = CacheSimulation.At(stream, shipped.Threshold, (q, c) => decision.Allows(q.Text, c.Text, c.Cosine));
            var before = CacheSimulation.At(stream, shipped.Threshold, (q, c) => decision.Allows(q.Text, c.Text, c.Cosine), nearestOnly: false);
            Console.WriteLine($"| verifier, first allowed of the {CacheSimulation.Candidates} nearest (before 2026-12-03) | {before.Hits} | {QualityData.Format(before.HitPrecision)} | {QualityData.Format(before.ClusterPrecision)} | {QualityData.Format(before.ParaphraseShare)} | {QualityData.Format(before.HardNegativeFalseHitRate)} | {QualityData.Format(before.UnrelatedFalseHitRate)} |");
            Console.WriteLine($"| verifier (the default point: the nearest only) | {o.Hits} | {QualityData.Format(o.HitPrecision)} | {QualityData.Format(o.ClusterPrecision)} | {QualityData.Format(o.ParaphraseShare)} | {QualityData.Format(o.HardNegativeFalseHitRate)} | {QualityData.Format(o.UnrelatedFalseHitRate)} |");
        }
        foreach (var guard in new[] { true, false })
        {
            Console.WriteLine();
            Console.WriteLine($"## look-alike guard {(guard ? "on (the gateway's default)" : "off")}");
            Console.WriteLine("| threshold | hits | hit precision | with clusters | paraphrases served | false hits: hard negatives | false hits: unrelated | wrong hits: paraphrase / hard neg. / unrelated |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|");
            foreach (var t in Thresholds)
            {
                var o = CacheSimulation.At(stream, t, guard);
                Console.WriteLine($"| {t:0.000} | {o.Hits} | {QualityData.Format(o.HitPrecision)} | {QualityData.Format(o.ClusterPrecision)} | {QualityData.Format(o.ParaphraseShare)} | {QualityData.Format(o.HardNegativeFalseHitRate)} | {QualityData.Format(o.UnrelatedFalseHitRate)} | {o.Hits - o.RightHits - o.HardNegativeHits - o.UnrelatedHits} / {o.HardNegativeHits} / {o.UnrelatedHits} |");
            }
        }
        Console.WriteLine();
        Console.WriteLine($"took {started.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    private static async Task<int> RunAsync(int max, string model, int dimension, EmbeddingPooling? pooling, double? showFalseHits)
    {
        var folder = QualityData.Folder();
        if (folder is null)
        {
            Console.WriteLine("cache-quality: ../shared/data not found (set LLMGW_DATA)");
            return 1;
        }
        using var embedder = CreateEmbedder(model, dimension, pooling);
        var harness = new QualityHarness(embedder);
        Console.WriteLine($"# cache quality, embedder {embedder.ModelId}, data {folder}");
        var sets = new (string Name, List<LabelledPair> Pairs)[]
        {
            ("QQP (hard negatives)", QualityData.Qqp(folder, max)),
            ("PAWS-X en", QualityData.Paws(folder, "en", max)),
            ("PAWS-X ja", QualityData.Paws(folder, "ja", max)),
            ("JSTS (ja, >=4.5 vs <=2)", QualityData.Jsts(folder, max)),
        };
        var all = new List<QualityHarness.Scored>();
        foreach (var (name, pairs) in sets)
        {
            var scored = await harness.ScoreAsync(pairs);
            all.AddRange(scored);
            Console.WriteLine();
            Console.WriteLine($"## {name}: {pairs.Count} pairs, {pairs.Count(p => p.Duplicate)} duplicates");
            Console.WriteLine("| threshold | precision | recall | false hits | precision (guard) | recall (guard) | false hits (guard) |");
            Console.WriteLine("|---|---|---|---|---|---|---|");
            foreach (var t in Thresholds)
            {
                var plain = QualityHarness.At(scored, t, guard: false);
                var guarded = QualityHarness.At(scored, t, guard: true);
                Console.WriteLine($"| {t:0.000} | {QualityData.Format(plain.Precision)} | {QualityData.Format(plain.Recall)} | {plain.FalseHits} | {QualityData.Format(guarded.Precision)} | {QualityData.Format(guarded.Recall)} | {guarded.FalseHits} |");
            }
            if (showFalseHits is { } show)
            {
                foreach (var s in scored.Where(s => !s.Duplicate && s.Cosine >= show && s.GuardAllows).Take(30))
                    Console.WriteLine($"  false hit {s.Cosine:0.000}: {s.Pair.A} | {s.Pair.B}");
            }
            Console.WriteLine($"lowest threshold with precision >= 0.99: {QualityHarness.LowestThresholdWithPrecision(scored, 0.99, false)} without guard, {QualityHarness.LowestThresholdWithPrecision(scored, 0.99, true)} with guard");
        }
        Console.WriteLine();
        Console.WriteLine($"all sets pooled: lowest threshold with precision >= 0.99: {QualityHarness.LowestThresholdWithPrecision(all, 0.99, true)} (guard on)");
        return 0;
    }

    internal static ITextEmbedder CreateEmbedder(string model, int dimension, EmbeddingPooling? pooling)
    {
        if (model.Length == 0)
            return new HashingEmbedder(dimension);
        if (model == "generated")
            model = Embeddings.BenchModelFolder.CreateGenerated(Embeddings.BenchModelFolder.FindRepositoryRoot() ?? throw new InvalidOperationException("run from the repository"));
        var settings = new LlmGateway.Embeddings.Onnx.OnnxSessionSettings(IntraOpThreads: 0);
        return LlmGateway.Embeddings.Packaged.PackagedModel.Find(model) is { } packaged
            ? LlmGateway.Embeddings.Onnx.OnnxEmbedder.LoadPackaged(packaged, pooling, maxTokens: 256, settings)
            : LlmGateway.Embeddings.Onnx.OnnxEmbedder.Load(model, pooling ?? EmbeddingPooling.Mean, maxTokens: 256, settings);
    }
}
