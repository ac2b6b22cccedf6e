using LlmGateway.Caching.Verified;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// A cache in use under <see cref="ErrorBound"/> or a static threshold, on a <see cref="BoundSet"/>: a Zipf stream of its
/// clusters (<see cref="ZipfStream"/>); a question already stored is an exact hit (the exact-key cache; never wrong, not a semantic hit); otherwise
/// the lookup takes the <see cref="Candidates"/> stored questions nearest by cosine (as the gateway's semantic lookup does)
/// and the one with the highest score, and the policy serves it, explores it (the request goes upstream, the oracle says
/// whether the answers agree) or skips it. A miss, a skip and an exploration that found the answers different store the
/// question (answer = its cluster); a served hit and an exploration that found them the same store nothing, so a repeat
/// of that question looks up the same entry again.
/// </summary>
internal static class BoundSimulation
{
    public const int Candidates = 8;

    /// <summary>What a stream did. Rates are per request.</summary>
    public sealed record Result(int Requests, int ExactHits, int Lookups, int Hits, int WrongHits, int Explored, int ExploredWouldServe, int ExploredDifferent, double? FinalThreshold, string Evidence = "")
    {
        /// <summary>The issue's δ: wrong hits among served (semantic) hits.</summary>
        public double ServedError => Hits == 0 ? 0 : WrongHits / (double)Hits;

        public double HitRate => Hits / (double)Requests;

        /// <summary>vCache's measure: wrong responses among all responses.</summary>
        public double ErrorAmongAll => WrongHits / (double)Requests;

        public double ExplorationRate => Explored / (double)Requests;

        /// <summary>Explorations of a candidate the policy would have served: each is one upstream call more than without verification.</summary>
        public double ExtraUpstream => ExploredWouldServe / (double)Requests;
    }

    /// <summary>
    /// Question indices: a cluster (one answer) drawn with P(rank r) ∝ 1 / (r + 1)^<paramref name="exponent"/> over a
    /// seeded random ranking of the clusters, then one of its questions uniformly: popular answers are asked in all their
    /// wordings, as users do.
    /// </summary>
    public static int[] ZipfStream(BoundSet set, int requests, double exponent, int seed)
    {
        var random = new Random(seed);
        var clusters = Enumerable.Range(0, set.Questions.Length).GroupBy(q => set.Cluster[q]).Select(g => g.ToArray()).ToArray();
        random.Shuffle(clusters);
        var cumulative = new double[clusters.Length];
        var total = 0.0;
        for (var r = 0; r < clusters.Length; r++)
            cumulative[r] = total += 1 / Math.Pow(r + 1, exponent);
        var stream = new int[requests];
        for (var i = 0; i < requests; i++)
        {
            var at = Array.BinarySearch(cumulative, random.NextDouble() * total);
            var members = clusters[Math.Min(at < 0 ? ~at : at, clusters.Length - 1)];
            stream[i] = members[random.Next(members.Length)];
        }
        return stream;
    }

    public static Result Bound(BoundSet set, int[] stream, ErrorBound bound, double maxErrorRate, int seed)
    {
        var random = new Random(seed);
        var pool = new EvidencePool();
        var evidence = new HitEvidence?[set.Questions.Length];
        return Replay(set, stream, (asked, stored, score) =>
        {
            var entry = evidence[stored] ??= new HitEvidence();
            var verdict = bound.Decide(entry, pool, score, maxErrorRate, random.NextDouble());
            if (verdict != BoundVerdict.Explore)
                return (verdict == BoundVerdict.Serve, false, false);
            var wouldServe = bound.WouldServe(entry, pool, score, maxErrorRate);
            bound.Record(entry, pool, score, set.Same(asked, stored));
            return (false, true, wouldServe);
        }, () => bound.Threshold(pool, maxErrorRate), evidence: () => string.Join(" ", Enumerable.Range(0, pool.Groups).Select(g =>
            pool.Counts(g) is var c ? $"{(g >= pool.Bands.Count ? "c" : "")}{pool.Bands.Edge(g % pool.Bands.Count)}:{c.Different}/{c.Observations}/{c.Lookups}" : ""))
            + $" served {bound.Threshold(pool, maxErrorRate)?.ToString() ?? "-"}/c{bound.ConfirmedThreshold(pool, maxErrorRate)?.ToString() ?? "-"}");
    }

    /// <summary>One static threshold on the score (or, with <paramref name="cosine"/>, on the nearest candidate's cosine alone).</summary>
    public static Result Static(BoundSet set, int[] stream, double threshold, bool cosine = false) =>
        Replay(set, stream, (_, _, score) => (score >= threshold, false, false), () => threshold, cosine);

    private delegate (bool Serve, bool Explored, bool WouldServe) Policy(int asked, int stored, double score);

    private static Result Replay(BoundSet set, int[] stream, Policy policy, Func<double?> threshold, bool cosine = false, Func<string>? evidence = null)
    {
        var stored = new bool[set.Questions.Length];
        int exact = 0, lookups = 0, hits = 0, wrong = 0, explored = 0, wouldServe = 0, different = 0;
        foreach (var asked in stream)
        {
            if (stored[asked]) { exact++; continue; }
            var (best, bestScore, seen) = (-1, double.NegativeInfinity, 0);
            foreach (var n in set.Nearest[asked])
            {
                if (!stored[n.Question]) continue;
                var score = cosine ? n.Cosine : n.Score;
                if (score > bestScore) (best, bestScore) = (n.Question, score);
                if (++seen == Candidates || cosine) break;
            }
            if (best < 0) { stored[asked] = true; continue; }
            lookups++;
            var (serve, wasExplored, would) = policy(asked, best, bestScore);
            if (serve)
            {
                hits++;
                if (!set.Same(asked, best)) wrong++;
                continue;
            }
            if (wasExplored)
            {
                explored++;
                if (would) wouldServe++;
                // Verified the same: the entry answers this question, nothing new to store (its repeats look it up again).
                if (set.Same(asked, best)) continue;
                different++;
            }
            stored[asked] = true;
        }
        return new Result(stream.Length, exact, lookups, hits, wrong, explored, wouldServe, different, threshold(), evidence?.Invoke() ?? "");
    }
}
