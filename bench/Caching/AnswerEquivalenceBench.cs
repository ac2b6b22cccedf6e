using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using LlmGateway.Bench.Common;
using LlmGateway.Caching;
using LlmGateway.Caching.Verified;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// <c>answer-equivalence</c>: calibrates the verified cache's answer-similarity bar for one embedder on paraphrase-labelled
/// sentence pairs (MRPC, STS-B), through the gateway's own rule (<see cref="AnswerEquivalence.Layer"/> and
/// <see cref="AnswerEquivalence.SameByCosine"/>). The bar is the lowest cosine at which the precision of "same" (among the
/// pairs the whole rule calls same) clears a floor by its 95 % Wilson lower bound on the choosing part; a wrong "same"
/// records a wrong cache hit as right, hiding it from the error bound, so that precision is what must be high.
/// <c>--write</c> saves the bar to proxy/Caching/HitDecisions/&lt;model&gt;.json.
/// </summary>
internal static class AnswerEquivalenceBench
{
    private static readonly double[] Bars = [.. Enumerable.Range(100, 100).Select(i => i / 200.0)]; // 0.500 … 0.995

    public static Command Command()
    {
        var model = BenchArgs.With("--model", "all-MiniLM-L6-v2", "A built-in model, an ONNX model folder, or empty for the hashing embedder.");
        var floor = BenchArgs.With("--precision", 0.98, "Floor for the 95 % Wilson lower bound of the precision of \"same\" on the choosing part.");
        var same = BenchArgs.With("--stsb-same", 4.0, "STS-B: a score at or above this is \"same meaning\".");
        var different = BenchArgs.With("--stsb-different", 3.0, "STS-B: a score at or below this is \"different\"; pairs in between are left out.");
        var vectors = BenchArgs.With("--vectors", VectorCache.DefaultFolder, "Folder of the on-disk vector cache (by embedder id and text hash; never the repository).");
        var write = new Option<bool>("--write") { Description = "Write the bar to proxy/Caching/HitDecisions/<model>.json (the file must exist for this embedder id)." };
        var command = new Command("answer-equivalence", "Calibrate the verified cache's answer-similarity bar on MRPC and STS-B (choose on one half, report the held-out half).")
            { model, floor, same, different, vectors, write };
        command.SetAction(p => RunAsync(p.GetValue(model)!, p.GetValue(floor), p.GetValue(same), p.GetValue(different), p.GetValue(vectors)!, p.GetValue(write)));
        return command;
    }

    /// <summary>One labelled pair as the gateway's rule sees it: the deciding layer and, for the cosine layer only, the cosine.</summary>
    private sealed record Scored(string Set, QualitySplit.Part Part, LabelledPair Pair, AnswerEquivalence.Decider Layer, float Cosine)
    {
        public bool Same(double? bar) => Layer == AnswerEquivalence.Decider.Equal
            || (Layer == AnswerEquivalence.Decider.Cosine && AnswerEquivalence.SameByCosine(Cosine, bar));
    }

    private sealed record Point(int Pairs, int Labelled, int Calls, int Wrong)
    {
        public double Precision => Calls == 0 ? double.NaN : (Calls - Wrong) / (double)Calls;
        public double Lower => CacheVerifierBench.WilsonLower(Calls - Wrong, Calls);
        public double Recall => Labelled == 0 ? double.NaN : (Calls - Wrong) / (double)Labelled;

        public override string ToString() => Calls == 0 ? "no \"same\"" : $"{F(Precision)} (LB {F(Lower)}; {Calls} same, {Wrong} wrong)";
    }

    private static Point At(IReadOnlyCollection<Scored> scored, double? bar)
    {
        int calls = 0, wrong = 0;
        foreach (var s in scored.Where(s => s.Same(bar)))
        {
            calls++;
            if (!s.Pair.Duplicate) wrong++;
        }
        return new Point(scored.Count, scored.Count(s => s.Pair.Duplicate), calls, wrong);
    }

    private static async Task<int> RunAsync(string model, double floor, double stsbSame, double stsbDifferent, string vectorFolder, bool write)
    {
        var folder = QualityData.Folder();
        if (folder is null)
        {
            Console.WriteLine("answer-equivalence: ../shared/data not found (set LLMGW_DATA)");
            return 1;
        }
        var started = Stopwatch.StartNew();
        using var embedder = new VectorCache(CacheQualityBench.CreateEmbedder(model, 512, null), vectorFolder);
        var sets = new (string Name, List<LabelledPair> Pairs)[]
        {
            ("MRPC", QualityData.Mrpc(folder)),
            ($"STS-B (>= {stsbSame:0.0} same, <= {stsbDifferent:0.0} different)", QualityData.Stsb(folder, stsbSame, stsbDifferent)),
        };
        var all = new List<Scored>();
        foreach (var (name, pairs) in sets)
        {
            // Nothing is trained: QualitySplit's two-part convention, the dev half chooses and the held-out half only reports.
            var parts = QualitySplit.Assign(pairs, train: false);
            var layers = pairs.Select(p => AnswerEquivalence.Layer(p.A, p.B)).ToArray();
            var cosines = new float[pairs.Count];
            Array.Fill(cosines, float.NaN);
            // Only the cosine layer needs vectors (both sides over 20 words, not equal), so only those pairs are embedded.
            var long_ = Enumerable.Range(0, pairs.Count).Where(i => layers[i] == AnswerEquivalence.Decider.Cosine).ToArray();
            foreach (var chunk in long_.Chunk(16))
            {
                var v = await embedder.EmbedBatchAsync(chunk.SelectMany(i => new[] { pairs[i].A, pairs[i].B }).ToArray(), default);
                for (var j = 0; j < chunk.Length; j++)
                    cosines[chunk[j]] = System.Numerics.Tensors.TensorPrimitives.CosineSimilarity(v[2 * j], v[(2 * j) + 1]);
            }
            all.AddRange(pairs.Select((p, i) => new Scored(name, parts[i], p, layers[i], cosines[i])));
        }
        Console.WriteLine($"# answer equivalence, embedder {embedder.ModelId}, data {folder}");
        Console.WriteLine($"scored in {started.Elapsed.TotalSeconds:0} s ({embedder.Loaded} vectors read from {vectorFolder}, {embedder.Embedded} embedded)");

        // Choose on the pooled dev halves: the lowest bar whose precision of "same" clears the floor by its Wilson lower bound.
        var dev = all.Where(s => s.Part == QualitySplit.Part.Dev).ToList();
        double? chosen = Bars.Where(b => At(dev, b) is { Calls: > 0 } p && p.Lower >= floor).Select(b => (double?)b).FirstOrDefault();
        Console.WriteLine();
        Console.WriteLine($"## choosing part (dev halves of both sets, pooled): precision of \"same\" by bar (floor: Wilson 95 % lower bound >= {floor})");
        Console.WriteLine("| bar | \"same\" | wrong | precision | Wilson LB | recall of same | cosine layer only: same / wrong / precision |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        var devLong = dev.Where(s => s.Layer == AnswerEquivalence.Decider.Cosine).ToList();
        foreach (var b in Bars.Where(b => (b >= 0.70 && Math.Round(b * 200) % 4 == 0) || b >= 0.90 || b == chosen))
        {
            var p = At(dev, b);
            var l = At(devLong, b);
            Console.WriteLine($"| {b:0.000}{(b == chosen ? " (chosen)" : "")} | {p.Calls} | {p.Wrong} | {F(p.Precision)} | {F(p.Lower)} | {F(p.Recall)} | {l.Calls} / {l.Wrong} / {F(l.Precision)} |");
        }
        var equalOnly = At(dev, null);
        Console.WriteLine($"| none (equal only) | {equalOnly.Calls} | {equalOnly.Wrong} | {F(equalOnly.Precision)} | {F(equalOnly.Lower)} | {F(equalOnly.Recall)} | - |");
        Console.WriteLine();
        Console.WriteLine(chosen is { } c ? $"bar chosen: {c:0.000}" : $"bar: not reached (no bar's precision of \"same\" clears {floor} by its Wilson lower bound): the gateway uses equal answers only");

        // The table per set and part at the chosen bar, and at the old unmeasured default (0.95) for comparison.
        var figures = new Dictionary<string, string>();
        PerSet(all, chosen, figures);
        if (chosen != OldDefault)
            PerSet(all, OldDefault, null);
        Console.WriteLine();
        Console.WriteLine("Caveat: these are single sentences (news, captions, forums), mostly under 20 words, where the short-answer rule decides;");
        Console.WriteLine("LLM answers are longer, so the cosine layer decides far more of them in the gateway than here.");
        var shown = chosen ?? OldDefault;
        Console.WriteLine($"examples (held-out, cosine layer): wrong \"same\" at {shown:0.000}");
        foreach (var s in all.Where(s => s.Part == QualitySplit.Part.HeldOut && s.Same(shown) && !s.Pair.Duplicate && s.Layer == AnswerEquivalence.Decider.Cosine).Take(6))
            Console.WriteLine($"  {s.Cosine:0.000}: {s.Pair.A} | {s.Pair.B}");

        var command = $"dotnet bench/bin/Release/net10.0/LlmGateway.Bench.dll answer-equivalence --model {model} --precision {floor.ToString(CultureInfo.InvariantCulture)} --stsb-same {stsbSame.ToString(CultureInfo.InvariantCulture)} --stsb-different {stsbDifferent.ToString(CultureInfo.InvariantCulture)} --write";
        var best = Bars.Select(b => (Bar: b, Point: At(dev, b))).Where(b => b.Point.Calls > 0).MaxBy(b => b.Point.Lower);
        figures["chosen on"] = $"dev halves of MRPC + STS-B pooled: lowest bar with Wilson 95 % lower bound of precision of same >= {floor.ToString(CultureInfo.InvariantCulture)}: {(chosen is { } x ? x.ToString("0.000", CultureInfo.InvariantCulture) : "not reached")}"
            + $"; the highest lower bound on dev is at {best.Bar:0.000}: {best.Point}";
        if (write)
        {
            var root = Embeddings.BenchModelFolder.FindRepositoryRoot() ?? throw new InvalidOperationException("run from the repository");
            var name = model.Length == 0 ? "hashing" : Path.GetFileName(model.TrimEnd('/'));
            var path = Path.Combine(root, "proxy", "Caching", "HitDecisions", $"{name}.json");
            var old = File.Exists(path) ? HitDecisionData.Parse(await File.ReadAllTextAsync(path)) : null;
            if (old is null || old.EmbedderId != embedder.ModelId)
            {
                Console.WriteLine($"not written: {path} holds no decision for {embedder.ModelId} (run cache-verifier --write for it first)");
                return 1;
            }
            await File.WriteAllTextAsync(path, (old with { AnswerSimilarityBar = chosen, AnswerSimilarityCommand = command, AnswerSimilarity = figures }).ToJson() + "\n");
            Console.WriteLine($"wrote {path}");
        }
        Console.WriteLine($"took {started.Elapsed.TotalSeconds:0} s");
        return 0;
    }

    /// <summary>The bar the gateway used before it was measured.</summary>
    private const double OldDefault = 0.95;

    private static void PerSet(List<Scored> all, double? bar, Dictionary<string, string>? figures)
    {
        Console.WriteLine();
        Console.WriteLine($"## at bar {(bar is { } cb ? cb.ToString("0.000", CultureInfo.InvariantCulture) : "none (equal answers only)")}{(bar == OldDefault ? " (the old unmeasured default)" : "")}, per set and part");
        Console.WriteLine("| set | part | pairs (same) | precision of \"same\" (Wilson LB) | recall of same | decided by: equal / short / cosine | pairs > 20 words (same) | > 20 words: precision (LB) / recall |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var group in all.GroupBy(s => (s.Set, s.Part)).OrderBy(g => g.Key.Set, StringComparer.Ordinal).ThenBy(g => g.Key.Part))
        {
            var rows = group.ToList();
            var p = At(rows, bar);
            var longRows = rows.Where(s => s.Layer == AnswerEquivalence.Decider.Cosine).ToList();
            var l = At(longRows, bar);
            string Share(AnswerEquivalence.Decider d) => (rows.Count(s => s.Layer == d) / (double)rows.Count).ToString("0.0%", CultureInfo.InvariantCulture);
            var part = group.Key.Part == QualitySplit.Part.Dev ? "choosing (dev)" : "held-out";
            Console.WriteLine($"| {group.Key.Set} | {part} | {p.Pairs} ({p.Labelled}) | {p} | {F(p.Recall)} | {Share(AnswerEquivalence.Decider.Equal)} / {Share(AnswerEquivalence.Decider.Short)} / {Share(AnswerEquivalence.Decider.Cosine)} | {l.Pairs} ({l.Labelled}) | {l} / {F(l.Recall)} |");
            if (figures is not null)
                figures[$"{group.Key.Set.Split(' ')[0]} {part}"] = $"{p.Pairs} pairs: precision of same {p}, recall {F(p.Recall)}; {l.Pairs} pairs over 20 words: {l}, recall {F(l.Recall)}";
        }
    }

    private static string F(double value) => double.IsNaN(value) ? "-" : QualityData.Format(value);
}
