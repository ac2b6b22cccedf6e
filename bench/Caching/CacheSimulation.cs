using System.Numerics.Tensors;
using LlmGateway.Caching;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// A cache in use rather than a pair set (as GPTCache's benchmark does): the first questions of some labelled pairs
/// are stored, then a shuffled stream asks the paraphrases of stored questions (second halves of duplicate pairs),
/// their hard negatives (second halves of non-duplicate pairs) and unrelated questions (first halves of pairs that
/// were not stored). Every query searches the whole store as the gateway searches one partition: the nearest stored
/// question is served when the second stage allows it (<see cref="QualityHarness.Hits"/> or a hit decision); the gateway
/// decides no other (before 2026-12-03 it served the first of the <see cref="Candidates"/> nearest that was allowed:
/// <c>nearestOnly: false</c>). A served answer is right only for a paraphrase that gets the question
/// it was labelled a duplicate of. The scan is exact (the gateway's HNSW is approximate, so it can only find fewer).
/// QQP's labels join questions into duplicate clusters (a question labelled a duplicate of two others, ...); the
/// strict count calls a served cluster-mate wrong, <see cref="Outcome.ClusterPrecision"/> counts it right: both are reported.
/// </summary>
internal sealed class CacheSimulation(ITextEmbedder embedder)
{
    /// <summary>Nearest stored questions kept per query (the gateway's search also returns 8: <c>SemanticCache.SemanticCandidates</c>).</summary>
    public const int Candidates = 8;

    public enum Kind { Paraphrase, HardNegative, Unrelated }

    /// <summary>One asked question: its kind, the stored question it paraphrases (-1 if none), its text and its nearest stored questions.</summary>
    public sealed record Query(Kind Kind, int Source, string Text, Candidate[] Nearest, int Cluster);

    /// <summary>A stored question near an asked one: its index, text, cosine, the look-alike guard's verdict and its duplicate cluster (-1: none).</summary>
    public sealed record Candidate(int Stored, string Text, double Cosine, bool GuardAllows, int Cluster);

    /// <summary>The stream's outcome at one threshold.</summary>
    public sealed record Outcome(double Threshold, int Hits, int RightHits, int Paraphrases, int ParaphrasesServed, int HardNegatives, int HardNegativeHits, int Unrelated, int UnrelatedHits, int ClusterRightHits)
    {
        public double HitPrecision => Hits == 0 ? 1.0 : RightHits / (double)Hits;

        /// <summary>Hit precision counting as right also a stored question in the asked one's duplicate cluster.</summary>
        public double ClusterPrecision => Hits == 0 ? 1.0 : ClusterRightHits / (double)Hits;
        public double ParaphraseShare => Paraphrases == 0 ? 0.0 : ParaphrasesServed / (double)Paraphrases;
        public double HardNegativeFalseHitRate => HardNegatives == 0 ? 0.0 : HardNegativeHits / (double)HardNegatives;
        public double UnrelatedFalseHitRate => Unrelated == 0 ? 0.0 : UnrelatedHits / (double)Unrelated;
    }

    /// <summary>
    /// Draws <paramref name="perKind"/> questions of each kind from <paramref name="pairs"/> with <paramref name="seed"/>
    /// (fewer if the pairs run out), embeds store and stream, and keeps each query's nearest stored questions.
    /// A drawn question whose text is already stored or asked is skipped, so no query is an exact repeat.
    /// </summary>
    public async Task<(int Stored, List<Query> Stream)> RunAsync(IReadOnlyList<LabelledPair> pairs, int perKind, int seed)
    {
        var random = new Random(seed);
        var order = Enumerable.Range(0, pairs.Count).ToArray();
        random.Shuffle(order);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stored = new List<string>();
        var asked = new List<(Kind Kind, int Source, string Text)>();
        int paraphrases = 0, negatives = 0, unrelated = 0;
        foreach (var i in order)
        {
            var pair = pairs[i];
            if (TextGroups.Normalize(pair.A) == TextGroups.Normalize(pair.B) || seen.Contains(TextGroups.Normalize(pair.A)) || seen.Contains(TextGroups.Normalize(pair.B)))
                continue;
            if (pair.Duplicate && paraphrases < perKind)
            {
                paraphrases++;
                asked.Add((Kind.Paraphrase, stored.Count, pair.B));
                stored.Add(pair.A);
            }
            else if (!pair.Duplicate && negatives < perKind)
            {
                negatives++;
                asked.Add((Kind.HardNegative, -1, pair.B));
                stored.Add(pair.A);
            }
            else if (unrelated < perKind)
            {
                unrelated++;
                asked.Add((Kind.Unrelated, -1, pair.A));
            }
            else if (paraphrases == perKind && negatives == perKind)
            {
                break;
            }
            else
            {
                continue;
            }
            seen.Add(TextGroups.Normalize(pair.A));
            seen.Add(TextGroups.Normalize(pair.B));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(asked));
        var clusters = new TextGroups();
        foreach (var pair in pairs.Where(p => p.Duplicate))
            clusters.Join(pair.A, pair.B);
        return await BuildAsync(stored, asked, clusters);
    }

    /// <summary>
    /// GPTCache's benchmark (positives only): every <c>origin</c> of <paramref name="rewordings"/> is stored (once), every
    /// <c>similar</c> is asked (once: a text that rewords two origins is asked for the first) and is right only when served
    /// its own origin; with clusters, also when served an origin it or its origin shares a rewording with.
    /// <paramref name="unrelatedCount"/> distinct first questions of <paramref name="unrelatedFrom"/>, drawn with
    /// <paramref name="seed"/>, are asked too (GPTCache's run asks none).
    /// </summary>
    public async Task<(int Stored, List<Query> Stream)> RunGptCacheAsync(IReadOnlyList<LabelledPair> rewordings, IReadOnlyList<LabelledPair> unrelatedFrom, int unrelatedCount, int seed)
    {
        var random = new Random(seed);
        var unrelated = unrelatedFrom.Select(p => p.A).DistinctBy(TextGroups.Normalize).ToArray();
        random.Shuffle(unrelated);
        var storedIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var stored = new List<string>();
        var asked = new List<(Kind Kind, int Source, string Text)>();
        var askedTexts = new HashSet<string>(StringComparer.Ordinal);
        var clusters = new TextGroups();
        foreach (var pair in rewordings)
        {
            clusters.Join(pair.A, pair.B);
            var key = TextGroups.Normalize(pair.A);
            if (!storedIndex.TryGetValue(key, out var source))
            {
                storedIndex[key] = source = stored.Count;
                stored.Add(pair.A);
            }
            if (askedTexts.Add(TextGroups.Normalize(pair.B)))
                asked.Add((Kind.Paraphrase, source, pair.B));
        }
        asked.AddRange(unrelated.Where(u => !storedIndex.ContainsKey(TextGroups.Normalize(u))).Take(unrelatedCount).Select(u => (Kind.Unrelated, -1, u)));
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(asked));
        return await BuildAsync(stored, asked, clusters);
    }

    /// <summary>Embeds store and stream and keeps each query's <see cref="Candidates"/> nearest stored questions (an exact scan).</summary>
    private async Task<(int Stored, List<Query> Stream)> BuildAsync(List<string> stored, List<(Kind Kind, int Source, string Text)> asked, TextGroups clusters)
    {
        int ClusterOf(string text) => clusters.GroupOf(text);
        var storedVectors = await EmbedAsync(stored);
        var askedVectors = await EmbedAsync(asked.Select(a => a.Text).ToList());
        var stream = new List<Query>(asked.Count);
        var cosines = new double[stored.Count];
        for (var q = 0; q < asked.Count; q++)
        {
            for (var s = 0; s < stored.Count; s++)
                cosines[s] = TensorPrimitives.Dot(askedVectors[q], storedVectors[s]);
            var nearest = Enumerable.Range(0, stored.Count).OrderByDescending(s => cosines[s]).Take(Candidates)
                .Select(s => new Candidate(s, stored[s], cosines[s], LookAlikeGuard.Allows(asked[q].Text, stored[s]), ClusterOf(stored[s])))
                .ToArray();
            stream.Add(new Query(asked[q].Kind, asked[q].Source, asked[q].Text, nearest, ClusterOf(asked[q].Text)));
        }
        return (stored.Count, stream);
    }

    /// <summary>Replays the stream at one threshold: a query is served its nearest stored question if the guard (or cosine alone) allows it.</summary>
    public static Outcome At(IReadOnlyList<Query> stream, double threshold, bool guard) =>
        At(stream, threshold, (_, c) => QualityHarness.Hits(c.Cosine, c.GuardAllows, threshold, guard));

    /// <summary>
    /// Replays the stream at one threshold with another second stage (<paramref name="allows"/>: asked query, candidate above
    /// the threshold). <paramref name="nearestOnly"/> false: the first allowed of the nearest (the gateway before 2026-12-03).
    /// </summary>
    public static Outcome At(IReadOnlyList<Query> stream, double threshold, Func<Query, Candidate, bool> allows, bool nearestOnly = true)
    {
        int hits = 0, right = 0, paraphrases = 0, served = 0, negatives = 0, negativeHits = 0, unrelated = 0, unrelatedHits = 0, clusterRight = 0;
        foreach (var query in stream)
        {
            Candidate? hit = null;
            foreach (var candidate in query.Nearest)
            {
                if (candidate.Cosine < threshold) break;
                if (allows(query, candidate)) { hit = candidate; break; }
                if (nearestOnly) break;
            }
            switch (query.Kind)
            {
                case Kind.Paraphrase: paraphrases++; break;
                case Kind.HardNegative: negatives++; break;
                default: unrelated++; break;
            }
            if (hit is null) continue;
            hits++;
            var ownPartner = query.Kind == Kind.Paraphrase && hit.Stored == query.Source;
            if (ownPartner || (query.Cluster >= 0 && query.Cluster == hit.Cluster))
                clusterRight++;
            if (ownPartner) { right++; served++; }
            else if (query.Kind == Kind.HardNegative) negativeHits++;
            else if (query.Kind == Kind.Unrelated) unrelatedHits++;
        }
        return new Outcome(threshold, hits, right, paraphrases, served, negatives, negativeHits, unrelated, unrelatedHits, clusterRight);
    }

    private async Task<List<float[]>> EmbedAsync(List<string> texts)
    {
        var vectors = new List<float[]>(texts.Count);
        foreach (var chunk in texts.Chunk(32))
            vectors.AddRange(await embedder.EmbedBatchAsync(chunk, default));
        return vectors;
    }
}
