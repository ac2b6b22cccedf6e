namespace LlmGateway.Caching.Verified;

/// <summary>
/// The hit decision under a user's error bound δ (<c>Gateway:Cache:MaxErrorRate</c>), δ being the error rate among
/// SERVED hits. Lookups fall in groups: a score band (<see cref="ScoreBands"/>) × whether the candidate entry is already
/// confirmed at that score by its own evidence (<see cref="HitEvidence.Confirms"/>). Per pool (team scope × model), the
/// estimator serves two upper sets of bands, one for unconfirmed and one for confirmed entries, chosen as the pair with
/// the most lookups whose served-hit error is ≤ δ with the stated confidence; it explores a uniform random share of every
/// group (ε where it serves, more where it does not yet) so the evidence stays an unbiased sample of what is served; an
/// entry found different at this score or above is not served. The maths: proxy/Caching/README.md, "Verified cache: the bound".
/// </summary>
internal sealed class ErrorBound
{
    /// <summary>Confidence that the served-hit error is ≤ δ, split evenly over the groups (Bonferroni).</summary>
    public double Confidence { get; }

    /// <summary>ε: share of candidates in served groups that are explored instead (each costs one upstream call).</summary>
    public double ServedExploration { get; }

    /// <summary>Share of candidates in a group not served yet that are explored, once it holds <see cref="EnoughObservations"/>.</summary>
    public double MinUnservedExploration { get; }

    /// <summary>Observations of a group after which its (free) exploration starts to fall, as EnoughObservations / n.</summary>
    public int EnoughObservations { get; }

    /// <summary>
    /// Observations a group needs before it may be served at all: the bound would allow serving a group seen in only a
    /// few lookups (its share is small), but its share is itself not known yet.
    /// </summary>
    public int MinObservations { get; }

    /// <summary>Whether lookups of entries confirmed at their score form groups of their own (off: bands only, for the bench's ablation).</summary>
    public bool UsesConfirmation { get; }

    public ErrorBound(double confidence = 0.95, double servedExploration = 0.05, double minUnservedExploration = 0.2, int enoughObservations = 1000, int minObservations = 30, bool useConfirmation = true)
    {
        UsesConfirmation = useConfirmation;
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence));
        if (!(servedExploration is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(servedExploration));
        if (!(minUnservedExploration is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(minUnservedExploration));
        if (enoughObservations < 1) throw new ArgumentOutOfRangeException(nameof(enoughObservations));
        if (minObservations < 1) throw new ArgumentOutOfRangeException(nameof(minObservations));
        Confidence = confidence;
        ServedExploration = servedExploration;
        MinUnservedExploration = minUnservedExploration;
        EnoughObservations = enoughObservations;
        MinObservations = minObservations;
    }

    /// <summary>The bands served: unconfirmed entries from band <see cref="Unconfirmed"/> up, confirmed from <see cref="Confirmed"/> up (band count: none).</summary>
    public readonly record struct ServedBands(int Unconfirmed, int Confirmed, double UpperBound);

    /// <summary>
    /// The verdict for one lookup's candidate. Call it once per lookup (for the candidate the lookup would serve): it counts
    /// the lookup in its group, which weighs the groups. <paramref name="draw"/> is uniform in [0, 1) and independent of the
    /// answer: exploring on it keeps the explored lookups a uniform sample of each group.
    /// </summary>
    public BoundVerdict Decide(HitEvidence entry, EvidencePool pool, double score, double maxErrorRate, double draw)
    {
        var band = pool.Bands.Of(score);
        if (band < 0)
            return BoundVerdict.Skip;
        var group = pool.Group(band, UsesConfirmation && entry.Confirms(score));
        pool.CountLookup(group);
        var served = Served(pool, maxErrorRate);
        pool.ServedFrom = served.Unconfirmed < pool.Bands.Count ? served.Unconfirmed : -1;
        var inServed = InServed(pool, served, group);
        // The draw decides exploration before the entry's contradictions are looked at: every lookup of a group has the
        // same chance to be verified, so the verified ones are a fair sample of the group.
        if (draw < ExplorationRate(pool, group, inServed))
            return BoundVerdict.Explore;
        return inServed && !entry.Contradicts(score) ? BoundVerdict.Serve : BoundVerdict.Skip;
    }

    /// <summary>Whether a lookup at <paramref name="score"/> on <paramref name="entry"/> is in a served group now (exploration aside).</summary>
    public bool WouldServe(HitEvidence entry, EvidencePool pool, double score, double maxErrorRate)
    {
        var band = pool.Bands.Of(score);
        return band >= 0 && InServed(pool, Served(pool, maxErrorRate), pool.Group(band, UsesConfirmation && entry.Confirms(score))) && !entry.Contradicts(score);
    }

    /// <summary>
    /// Records one verified lookup: its score and whether the fresh answer was the same as the entry's. The only way
    /// evidence enters the entry and the pool; the pool's group is the one the lookup had when it was decided.
    /// </summary>
    public void Record(HitEvidence entry, EvidencePool pool, double score, bool same)
    {
        pool.Add(score, same, UsesConfirmation && entry.Confirms(score));
        entry.Add(score, same);
    }

    /// <summary>
    /// The estimated error rate of hits served from <paramref name="pool"/> (for the metric): the lookup-weighted share of
    /// "different" over the unconfirmed bands the last decision served from and all confirmed bands; over all groups when none is served.
    /// </summary>
    public double EstimatedErrorRate(EvidencePool pool)
    {
        var from = Math.Max(pool.ServedFrom, 0);
        double weight = 0, errors = 0;
        for (var g = 0; g < pool.Groups; g++)
        {
            if (g < pool.Bands.Count && g < from) continue;
            var c = pool.Counts(g);
            if (c.Observations == 0) continue;
            weight += c.Lookups;
            errors += c.Lookups * (c.Different / (double)c.Observations);
        }
        return weight == 0 ? 0 : errors / weight;
    }

    /// <summary>The lowest score served without confirmation under <paramref name="maxErrorRate"/> now, or null when none is.</summary>
    public double? Threshold(EvidencePool pool, double maxErrorRate) =>
        Served(pool, maxErrorRate).Unconfirmed is var b && b < pool.Bands.Count ? pool.Bands.Edge(b) : null;

    /// <summary>The lowest score served for an entry confirmed at it, or null when none is.</summary>
    public double? ConfirmedThreshold(EvidencePool pool, double maxErrorRate) =>
        Served(pool, maxErrorRate).Confirmed is var b && b < pool.Bands.Count ? pool.Bands.Edge(b) : null;

    /// <summary>
    /// The served bands: of all pairs (unconfirmed from u up, confirmed from c up), the one with the most lookups whose
    /// bound — the lookup-weighted mean of each served group's own upper bound at (1 − confidence) / groups — is ≤ δ.
    /// Groups with fewer than <see cref="MinObservations"/> observations are left out (never served, always explored).
    /// </summary>
    public ServedBands Served(EvidencePool pool, double maxErrorRate)
    {
        var bands = pool.Bands.Count;
        var alpha = (1 - Confidence) / pool.Groups;
        // Suffix sums of weight and weighted bound per kind: index b = bands b and up.
        Span<double> weight = stackalloc double[2 * (bands + 1)];
        Span<double> bound = stackalloc double[2 * (bands + 1)];
        for (var kind = 0; kind < 2; kind++)
        {
            for (var b = bands - 1; b >= 0; b--)
            {
                var at = (kind * (bands + 1)) + b;
                weight[at] = weight[at + 1];
                bound[at] = bound[at + 1];
                var c = pool.Counts(pool.Group(b, kind == 1));
                if (c.Observations < MinObservations) continue;
                weight[at] += c.Lookups;
                bound[at] += c.Lookups * BinomialBound.Upper(c.Different, c.Observations, alpha);
            }
        }
        var best = new ServedBands(bands, bands, 1);
        var bestWeight = 0.0;
        for (var u = bands; u >= 0; u--)
        {
            for (var c = bands; c >= 0; c--)
            {
                var w = weight[u] + weight[bands + 1 + c];
                var e = bound[u] + bound[bands + 1 + c];
                if (w > bestWeight && e <= maxErrorRate * w)
                    (best, bestWeight) = (new ServedBands(u, c, e / w), w);
            }
        }
        return best;
    }

    /// <summary>
    /// ε in a served group (each exploration there is a hit given up: one upstream call); in a group not served, where the
    /// request goes upstream anyway and only the comparison costs, all lookups until the group has enough evidence, then
    /// a share falling as EnoughObservations / n, never below <see cref="MinUnservedExploration"/>.
    /// </summary>
    public double ExplorationRate(EvidencePool pool, int group, bool served)
    {
        if (served)
            return ServedExploration;
        var n = pool.Counts(group).Observations;
        return n <= EnoughObservations ? 1 : Math.Max(MinUnservedExploration, EnoughObservations / (double)n);
    }

    private bool InServed(EvidencePool pool, ServedBands served, int group)
    {
        var confirmed = group >= pool.Bands.Count;
        var band = confirmed ? group - pool.Bands.Count : group;
        return band >= (confirmed ? served.Confirmed : served.Unconfirmed) && pool.Counts(group).Observations >= MinObservations;
    }
}
