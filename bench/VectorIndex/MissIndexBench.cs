using System.CommandLine;
using LlmGateway.Bench.Common;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.VectorIndex;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// <c>index-miss</c>: the vector-index work of one cache miss, in process: the lookup's search (k = 8 above the
/// threshold, as <c>SemanticCache.LookupAsync</c> asks) and the insert of the same vector (the background indexer),
/// at a given index size, for several index settings. Vectors are the built-in hashing embedder's (or a model's,
/// <c>--model</c>), of the questions `compare`'s miss row sends (one template, a unique number each) or of QQP's
/// questions. Thread-CPU per operation (steadier than wall time on a shared machine), recall of the search's
/// above-threshold matches against an exact scan, and whether the best one was found (what a cache serves).
/// <c>--evict</c> makes it a full cache: every miss also removes the oldest vector, so tombstones and compactions are paid.
/// </summary>
internal static class MissIndexBench
{
    public static Command Command()
    {
        var entries = BenchArgs.With("--entries", 50_000, "Vectors in the partition before measuring.");
        var ops = BenchArgs.With("--ops", 2_000, "Misses measured (search then insert) per setting.");
        var questions = BenchArgs.With("--questions", "template", "template (compare's miss row) or qqp (../shared/data QQP questions).").AcceptOnlyFromAmong("template", "qqp");
        var model = BenchArgs.With("--model", "", "Empty: the built-in hashing embedder; else a built-in model (all-MiniLM-L6-v2), its vectors kept in the quality benches' vector cache.");
        var threshold = BenchArgs.With("--threshold", 0.9, "Similarity a match must reach (the cache's cosine bar for the embedder).");
        var settings = BenchArgs.With("--settings", "", "Comma-separated rows to run (search-again, beam, ef32, ef32-beam, ef16, quantized-beam, tombstones-30-beam, tombstones-35-beam, tombstones-50-beam); empty: all.");
        var evict = new Option<bool>("--evict") { Description = "A full cache: every measured miss also removes the oldest vector (tombstones and compactions included; process CPU)." };
        var command = new Command("index-miss", "Vector-index CPU of a cache miss (lookup search + insert) per index setting.") { entries, ops, questions, model, threshold, settings, evict };
        command.SetAction(p => Run(p.GetValue(entries), p.GetValue(ops), p.GetValue(questions)!, p.GetValue(model)!, (float)p.GetValue(threshold), p.GetValue(settings)!, p.GetValue(evict)));
        return command;
    }

    private static int Run(int entries, int ops, string questions, string model, float threshold, string settings, bool evict)
    {
        var texts = Texts(questions, entries + ops);
        if (texts.Count < entries + ops)
        {
            Console.Error.WriteLine($"index-miss: only {texts.Count} questions");
            return 1;
        }
        var vectors = Vectors(model, texts);
        Console.WriteLine($"# index-miss: {entries} vectors ({questions}, {(model.Length == 0 ? "hashing" : model)}), then {ops} misses{(evict ? ", each evicting the oldest" : "")}; thread-CPU µs per operation; recall = matches ≥ {threshold} found / exact");
        Console.WriteLine($"| setting | search µs | insert µs | search + insert µs | eviction µs (process CPU, compactions included) | longest eviction ms (a compaction) | recall of matches ≥ {threshold} (exact matches) | best match found |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var defaults = new VectorIndexOptions();
        var all = new (string Key, string Name, VectorIndexOptions Options, bool Hinted)[]
        {
            ("search-again", "default (ef 64), insert searches again", defaults, false),
            ("beam", "default (ef 64), insert from the lookup's beam", defaults, true),
            ("ef32", "EfSearch 32", defaults with { EfSearch = 32 }, false),
            ("ef32-beam", "EfSearch 32, insert from the lookup's beam", defaults with { EfSearch = 32 }, true),
            ("ef16", "EfSearch 16", defaults with { EfSearch = 16 }, false),
            ("quantized-beam", "QuantizedSearch, insert from the lookup's beam", defaults with { QuantizedSearch = true }, true),
            ("tombstones-30-beam", "CompactTombstoneFraction 0.3, insert from the lookup's beam", defaults with { CompactTombstoneFraction = 0.3 }, true),
            ("tombstones-35-beam", "CompactTombstoneFraction 0.35, insert from the lookup's beam", defaults with { CompactTombstoneFraction = 0.35 }, true),
            ("tombstones-50-beam", "CompactTombstoneFraction 0.5, insert from the lookup's beam", defaults with { CompactTombstoneFraction = 0.5 }, true),
        };
        var chosen = settings.Length == 0 ? all.Select(s => s.Key).ToArray() : settings.Split(',');
        if (chosen.Except(all.Select(s => s.Key)).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"index-miss: unknown setting '{unknown}'");
            return 1;
        }
        foreach (var (_, name, options, hinted) in all.Where(s => chosen.Contains(s.Key)))
        {
            // Every vector arrives as a miss does: the lookup's search, then the insert (from its beam or not), so
            // the graph measured was built the way the setting builds it.
            var index = new PartitionedVectorIndex(options);
            long searchNs = 0, insertNs = 0;
            var evictCpu = TimeSpan.Zero;
            int found = 0, exact = 0, bestFound = 0, bestExact = 0;
            var longestEvict = TimeSpan.Zero;
            for (var id = 0; id < entries + ops; id++)
            {
                var t0 = ThreadCpuClock.NowNanoseconds();
                var matches = index.Search(1, vectors[id], 8, out var hint, threshold);
                var t1 = ThreadCpuClock.NowNanoseconds();
                index.Add(id, 1, vectors[id], hinted ? hint : null);
                var t2 = ThreadCpuClock.NowNanoseconds();
                if (id < entries)
                    continue;
                searchNs += t1 - t0;
                insertNs += t2 - t1;
                if (evict)
                {
                    // Compaction runs on the thread pool (Parallel.For): process CPU, not this thread's.
                    var before = Environment.CpuUsage.TotalTime;
                    index.Remove(id - entries);
                    var spent = Environment.CpuUsage.TotalTime - before;
                    evictCpu += spent;
                    longestEvict = spent > longestEvict ? spent : longestEvict;
                }
                if (id % 20 == 0)
                {
                    var truth = Exact(vectors, evict ? id - entries : 0, id, 8, threshold); // what the index holds while it searches
                    exact += truth.Count;
                    found += matches.Count(m => truth.Any(t => t.Id == m.Id));
                    // What a cache serves is the best candidate: was the most similar one found?
                    if (truth.Count > 0)
                    {
                        bestExact++;
                        bestFound += matches.Length > 0 && matches[0].Similarity >= truth.Max(t => t.Similarity) - 1e-6f ? 1 : 0;
                    }
                }
            }
            var evicted = evict ? $"{evictCpu.TotalMicroseconds / ops:0.0}" : "-";
            Console.WriteLine($"| {name} | {searchNs / 1000.0 / ops:0.0} | {insertNs / 1000.0 / ops:0.0} | {(searchNs + insertNs) / 1000.0 / ops:0.0} | {evicted} | {(evict ? $"{longestEvict.TotalMilliseconds:0.0}" : "-")} | {(exact == 0 ? "-" : $"{(double)found / exact:0.000}")} ({exact}) | {(bestExact == 0 ? "-" : $"{(double)bestFound / bestExact:0.000}")} ({bestExact}) |");
        }
        return 0;
    }

    /// <summary>The k most similar vectors of <c>[first, query)</c> at or above the threshold, by a full scan.</summary>
    private static List<(long Id, float Similarity)> Exact(float[][] vectors, int first, int query, int k, float threshold) =>
        Enumerable.Range(first, query - first)
            .Select(i => (Id: (long)i, Similarity: System.Numerics.Tensors.TensorPrimitives.Dot(vectors[query], vectors[i])))
            .Where(x => x.Similarity >= threshold)
            .OrderByDescending(x => x.Similarity)
            .Take(k)
            .ToList();

    /// <summary>Unit vectors of the texts: the hashing embedder's, or a model's through the quality benches' vector cache.</summary>
    private static float[][] Vectors(string model, List<string> texts)
    {
        if (model.Length == 0)
        {
            var hashing = new HashingEmbedder(384);
            return texts.Select(t => { var v = new float[384]; hashing.Embed(t, v); return v; }).ToArray();
        }
        using var embedder = new LlmGateway.Bench.Caching.VectorCache(LlmGateway.Bench.Caching.CacheQualityBench.CreateEmbedder(model, 512, null), LlmGateway.Bench.Caching.VectorCache.DefaultFolder);
        var vectors = embedder.EmbedBatchAsync(texts, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        Console.WriteLine($"# {embedder.Loaded} vectors read from the vector cache, {embedder.Embedded} embedded");
        return vectors;
    }

    private static List<string> Texts(string questions, int count)
    {
        if (questions == "template")
            return Enumerable.Range(0, count).Select(i => $"Question r1-{i % 2 + 1}-{i}: how do I rotate the keys of my project?").ToList();
        var folder = LlmGateway.Bench.Caching.QualityData.Folder() ?? throw new InvalidOperationException("../shared/data not found");
        return LlmGateway.Bench.Caching.QualityData.Qqp(folder).SelectMany(p => new[] { p.A, p.B }).Distinct().Take(count).ToList();
    }
}
