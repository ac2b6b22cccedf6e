using System.Numerics.Tensors;
using LlmGateway.Caching;
using LlmGateway.Embeddings;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// For each labelled pair: the first question is stored, the second asked. In a partition that holds one
/// entry the cache hits exactly when cosine ≥ threshold and the look-alike guard allows it (the flat scan
/// is exact), so the harness computes those two facts per pair and then counts hits for any threshold.
/// </summary>
internal sealed class QualityHarness(ITextEmbedder embedder)
{
    public sealed record Scored(double Cosine, bool GuardAllows, bool Duplicate, LabelledPair Pair);

    public sealed record Point(double Threshold, double Precision, double Recall, int Hits, int FalseHits);

    public async Task<List<Scored>> ScoreAsync(IReadOnlyList<LabelledPair> pairs)
    {
        var scored = new List<Scored>(pairs.Count);
        // 16 pairs (32 texts) per call: one model run each for a sentence model, ~10x faster than one text at a time.
        foreach (var chunk in pairs.Chunk(16))
        {
            var vectors = await embedder.EmbedBatchAsync(chunk.SelectMany(p => new[] { p.A, p.B }).ToArray(), default);
            for (var i = 0; i < chunk.Length; i++)
            {
                var pair = chunk[i];
                scored.Add(new Scored(TensorPrimitives.Dot(vectors[2 * i], vectors[(2 * i) + 1]), LookAlikeGuard.Allows(pair.A, pair.B), pair.Duplicate, pair));
            }
        }
        return scored;
    }

    public static Point At(IReadOnlyList<Scored> scored, double threshold, bool guard)
    {
        var hits = 0;
        var falseHits = 0;
        var duplicates = 0;
        foreach (var s in scored)
        {
            if (s.Duplicate) duplicates++;
            if (!Hits(s.Cosine, s.GuardAllows, threshold, guard)) continue;
            hits++;
            if (!s.Duplicate) falseHits++;
        }
        var precision = hits == 0 ? 1.0 : (hits - falseHits) / (double)hits;
        var recall = duplicates == 0 ? 0.0 : (hits - falseHits) / (double)duplicates;
        return new Point(threshold, precision, recall, hits, falseHits);
    }

    /// <summary>
    /// Whether the gateway serves a stored question for an asked one: cosine ≥ threshold and, when the guard is on,
    /// <see cref="LookAlikeGuard"/> allows the pair. <see cref="At"/> and <see cref="CacheSimulation"/> both decide with this.
    /// </summary>
    public static bool Hits(double cosine, bool guardAllows, double threshold, bool guard) =>
        cosine >= threshold && (!guard || guardAllows);

    /// <summary>The thresholds searched for a precision bar: 0.30–0.90 in steps of 0.01, then 0.905–0.995 in steps of 0.005.</summary>
    public static IReadOnlyList<double> SearchGrid { get; } =
        Enumerable.Range(30, 61).Select(i => i / 100.0).Concat(Enumerable.Range(181, 19).Select(i => i / 200.0)).ToArray();

    /// <summary>Where a precision bar is first met, walking down from the top of <see cref="SearchGrid"/>.</summary>
    /// <param name="Lowest">The lowest threshold from which precision stays ≥ the bar at every higher threshold that has hits; null: not reached.</param>
    /// <param name="Everywhere">The bar holds at every threshold of the grid, down to its bottom (0.30).</param>
    public sealed record Reach(double? Lowest, bool Everywhere)
    {
        public override string ToString() => Lowest switch
        {
            null => "not reached",
            { } t when Everywhere => $"met at every threshold (down to {t:0.00})",
            { } t => t.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The lowest threshold of <see cref="SearchGrid"/> at which precision stays ≥ <paramref name="bar"/> from there up.
    /// Thresholds with no hit at all say nothing about precision and are skipped; if none has a hit, or the highest one
    /// with hits already misses the bar, the bar is not reached.
    /// </summary>
    public static Reach LowestThresholdWithPrecision(IReadOnlyList<Scored> scored, double bar, bool guard)
    {
        double? lowest = null;
        for (var i = SearchGrid.Count - 1; i >= 0; i--)
        {
            var point = At(scored, SearchGrid[i], guard);
            if (point.Hits == 0) continue;
            if (point.Precision < bar) return new Reach(lowest, Everywhere: false);
            lowest = SearchGrid[i];
        }
        return new Reach(lowest, Everywhere: lowest is not null);
    }
}
