using System.CommandLine;
using LlmGateway.Bench.Common;
using LlmGateway.Embeddings.Hashing;
using LlmGateway.VectorIndex;

namespace LlmGateway.Bench.VectorIndex;

/// <summary>
/// <c>index-miss</c>: the vector-index work of one cache miss, in process: the lookup's search (k = 8 above the
/// threshold, as <c>SemanticCache.LookupAsync</c> asks) and the insert of the same vector (the background indexer),
/// at a given index size, for several index settings. Vectors are the built-in hashing embedder's, of the questions
/// `compare`'s miss row sends (one template, a unique number each) or of QQP's questions. Thread-CPU per operation
/// (steadier than wall time on a shared machine) and recall of the search's above-threshold matches against an exact scan.
/// </summary>
internal static class MissIndexBench
{
    public static Command Command()
    {
        var entries = BenchArgs.With("--entries", 50_000, "Vectors in the partition before measuring.");
        var ops = BenchArgs.With("--ops", 2_000, "Misses measured (search then insert) per setting.");
        var questions = BenchArgs.With("--questions", "template", "template (compare's miss row) or qqp (../shared/data QQP questions).").AcceptOnlyFromAmong("template", "qqp");
        var command = new Command("index-miss", "Vector-index CPU of a cache miss (lookup search + insert) per index setting.") { entries, ops, questions };
        command.SetAction(p => Run(p.GetValue(entries), p.GetValue(ops), p.GetValue(questions)!));
        return command;
    }

    private static int Run(int entries, int ops, string questions)
    {
        var embedder = new HashingEmbedder(384);
        var texts = Texts(questions, entries + ops);
        if (texts.Count < entries + ops)
        {
            Console.Error.WriteLine($"index-miss: only {texts.Count} questions");
            return 1;
        }
        var vectors = texts.Select(t => { var v = new float[384]; embedder.Embed(t, v); return v; }).ToArray();
        Console.WriteLine($"# index-miss: {entries} vectors ({questions}), then {ops} misses; thread-CPU µs per operation; recall = above-threshold matches found / exact");
        Console.WriteLine("| setting | search µs | insert µs | search + insert µs | recall of matches ≥ 0.9 |");
        Console.WriteLine("|---|---|---|---|---|");
        var defaults = new VectorIndexOptions();
        foreach (var (name, options, hinted) in new[]
        {
            ("default (ef 64)", defaults, false),
            ("default, insert from the lookup's beam", defaults, true),
            ("EfSearch 32", defaults with { EfSearch = 32 }, false),
            ("EfSearch 32, insert from the lookup's beam", defaults with { EfSearch = 32 }, true),
            ("QuantizedSearch, insert from the lookup's beam", defaults with { QuantizedSearch = true }, true),
        })
        {
            // Every vector arrives as a miss does: the lookup's search, then the insert (from its beam or not), so
            // the graph measured was built the way the setting builds it.
            var index = new PartitionedVectorIndex(options);
            long searchNs = 0, insertNs = 0;
            int found = 0, exact = 0;
            for (var id = 0; id < entries + ops; id++)
            {
                var t0 = ThreadCpuClock.NowNanoseconds();
                var matches = index.Search(1, vectors[id], 8, out var hint, 0.9f);
                var t1 = ThreadCpuClock.NowNanoseconds();
                index.Add(id, 1, vectors[id], hinted ? hint : null);
                var t2 = ThreadCpuClock.NowNanoseconds();
                if (id < entries)
                    continue;
                searchNs += t1 - t0;
                insertNs += t2 - t1;
                if (id % 20 == 0)
                {
                    var truth = Exact(vectors, id, 8, 0.9f);
                    exact += truth.Count;
                    found += matches.Count(m => truth.Contains(m.Id));
                }
            }
            Console.WriteLine($"| {name} | {searchNs / 1000.0 / ops:0.0} | {insertNs / 1000.0 / ops:0.0} | {(searchNs + insertNs) / 1000.0 / ops:0.0} | {(exact == 0 ? "-" : $"{(double)found / exact:0.000}")} ({exact}) |");
        }
        return 0;
    }

    /// <summary>Ids of the k most similar earlier vectors at or above the threshold, by a full scan.</summary>
    private static HashSet<long> Exact(float[][] vectors, int query, int k, float threshold) =>
        Enumerable.Range(0, query)
            .Select(i => (Id: (long)i, Similarity: System.Numerics.Tensors.TensorPrimitives.Dot(vectors[query], vectors[i])))
            .Where(x => x.Similarity >= threshold)
            .OrderByDescending(x => x.Similarity)
            .Take(k)
            .Select(x => x.Id)
            .ToHashSet();

    private static List<string> Texts(string questions, int count)
    {
        if (questions == "template")
            return Enumerable.Range(0, count).Select(i => $"Question r1-{i % 2 + 1}-{i}: how do I rotate the keys of my project?").ToList();
        var folder = LlmGateway.Bench.Caching.QualityData.Folder() ?? throw new InvalidOperationException("../shared/data not found");
        return LlmGateway.Bench.Caching.QualityData.Qqp(folder).SelectMany(p => new[] { p.A, p.B }).Distinct().Take(count).ToList();
    }
}
