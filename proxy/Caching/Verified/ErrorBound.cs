namespace LlmGateway.Caching.Verified;

/// <summary>
/// The hit decision under a user's error bound δ (<c>Gateway:Cache:MaxErrorRate</c>), δ being the error rate among
/// SERVED hits. Per pool (team scope × model), an online threshold on a fixed grid of score bands
/// (<see cref="ScoreBands"/>): serve a candidate whose band is in the lowest upper set of bands whose served-hit error
/// is ≤ δ with the stated confidence; explore a uniform random share of every band (ε where it serves, more where it does
/// not yet) so the evidence stays an unbiased sample of what is served; skip below the first band. On top, per entry:
/// an entry whose own evidence holds a "different" at a score ≥ this one is not served at this score.
/// The maths, its assumptions and its cost: proxy/Caching/README.md, "Verified cache: the bound".
/// </summary>
internal sealed class ErrorBound
{
    /// <summary>Confidence that the served-hit error is ≤ δ, split evenly over the bands (Bonferroni).</summary>
    public double Confidence { get; }

    /// <summary>ε: share of candidates in served bands that are explored instead (each costs one upstream call).</summary>
    public double ServedExploration { get; }

    /// <summary>Share of candidates in a band not served yet that are explored, once the band holds <see cref="EnoughObservations"/>.</summary>
    public double MinUnservedExploration { get; }

    /// <summary>Observations of a band after which its (free) exploration starts to fall, as EnoughObservations / n.</summary>
    public int EnoughObservations { get; }

    public ErrorBound(double confidence = 0.95, double servedExploration = 0.05, double minUnservedExploration = 0.2, int enoughObservations = 1000)
    {
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence));
        if (!(servedExploration is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(servedExploration));
        if (!(minUnservedExploration is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(minUnservedExploration));
        if (enoughObservations < 1) throw new ArgumentOutOfRangeException(nameof(enoughObservations));
        Confidence = confidence;
        ServedExploration = servedExploration;
        MinUnservedExploration = minUnservedExploration;
        EnoughObservations = enoughObservations;
    }

    /// <summary>
    /// The verdict for one lookup's candidate. Call it once per lookup (for the candidate the lookup would serve): it counts
    /// the lookup in its band, which weighs the bands. <paramref name="draw"/> is uniform in [0, 1) and independent of the
    /// answer: exploring on it keeps the explored lookups a uniform sample of each band.
    /// </summary>
    public BoundVerdict Decide(HitEvidence entry, EvidencePool pool, double score, double maxErrorRate, double draw)
    {
        var band = pool.Bands.Of(score);
        if (band < 0)
            return BoundVerdict.Skip;
        pool.CountLookup(band);
        var servedFrom = ServedFrom(pool, maxErrorRate);
        pool.ServedFrom = servedFrom;
        var inServed = servedFrom >= 0 && band >= servedFrom;
        // The draw decides exploration before anything else about the candidate is looked at (its entry's evidence
        // included): every lookup of a band has the same chance to be verified, so the verified ones are a fair sample.
        if (draw < ExplorationRate(pool, band, inServed))
            return BoundVerdict.Explore;
        return inServed && !entry.Contradicts(score) ? BoundVerdict.Serve : BoundVerdict.Skip;
    }

    /// <summary>
    /// Records one verified lookup: its score and whether the fresh answer was the same as the entry's. The only way
    /// evidence enters the entry and the pool, so the estimator may keep whatever statistics it needs.
    /// </summary>
    public void Record(HitEvidence entry, EvidencePool pool, double score, bool same)
    {
        entry.Add(score, same);
        pool.Add(score, same);
    }

    /// <summary>
    /// The estimated error rate of hits served from <paramref name="pool"/> (for the metric): the lookup-weighted share of
    /// "different" over the bands the last decision served from; over all bands when none is served.
    /// </summary>
    public double EstimatedErrorRate(EvidencePool pool)
    {
        var from = Math.Max(pool.ServedFrom, 0);
        double weight = 0, errors = 0;
        for (var b = from; b < pool.Bands.Count; b++)
        {
            var c = pool.Counts(b);
            if (c.Observations == 0) continue;
            weight += c.Lookups;
            errors += c.Lookups * (c.Different / (double)c.Observations);
        }
        return weight == 0 ? 0 : errors / weight;
    }

    /// <summary>The lowest score served under <paramref name="maxErrorRate"/> now, or null when no band is.</summary>
    public double? Threshold(EvidencePool pool, double maxErrorRate) =>
        ServedFrom(pool, maxErrorRate) is >= 0 and var band ? pool.Bands.Edge(band) : null;

    /// <summary>
    /// The upper confidence bound on the error among hits served from bands ≥ <paramref name="fromBand"/>: the
    /// lookup-weighted mean of each band's own upper bound at (1 − confidence) / bands.
    /// </summary>
    public double UpperBound(EvidencePool pool, int fromBand)
    {
        var alpha = (1 - Confidence) / pool.Bands.Count;
        double weight = 0, bound = 0;
        for (var b = fromBand; b < pool.Bands.Count; b++)
        {
            var c = pool.Counts(b);
            weight += c.Lookups;
            bound += c.Lookups * BinomialBound.Upper(c.Different, c.Observations, alpha);
        }
        return weight == 0 ? 1 : bound / weight;
    }

    /// <summary>The lowest band whose upper set's bound is ≤ δ (-1: none).</summary>
    public int ServedFrom(EvidencePool pool, double maxErrorRate)
    {
        var alpha = (1 - Confidence) / pool.Bands.Count;
        double weight = 0, bound = 0;
        var from = -1;
        for (var b = pool.Bands.Count - 1; b >= 0; b--)
        {
            var c = pool.Counts(b);
            weight += c.Lookups;
            bound += c.Lookups * BinomialBound.Upper(c.Different, c.Observations, alpha);
            if (weight > 0 && bound / weight <= maxErrorRate)
                from = b;
        }
        return from;
    }

    /// <summary>
    /// ε in a served band (each exploration there is a hit given up: one upstream call); in a band not served, where the
    /// request goes upstream anyway and only the comparison costs, all lookups until the band has enough evidence, then
    /// a share falling as EnoughObservations / n, never below <see cref="MinUnservedExploration"/>.
    /// </summary>
    public double ExplorationRate(EvidencePool pool, int band, bool served)
    {
        if (served)
            return ServedExploration;
        var n = pool.Counts(band).Observations;
        return n <= EnoughObservations ? 1 : Math.Max(MinUnservedExploration, EnoughObservations / (double)n);
    }
}
