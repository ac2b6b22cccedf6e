namespace LlmGateway.Caching.Verified;

/// <summary>
/// The hit decision under a user's error bound δ (<c>Gateway:Cache:MaxErrorRate</c>): from an entry's own evidence
/// (and the evidence pooled over its team and model while the entry has little), serve a candidate only where a hit
/// at its score is wrong at most δ of the time with the stated confidence; explore where that is not known yet.
/// PLACEHOLDER RULE (to be replaced by the measured estimator): serve when at least <c>⌈3/δ⌉</c> observations of this
/// entry at a score no higher than this one were all the same answer (the "rule of three", 95 % one-sided);
/// otherwise explore.
/// </summary>
internal sealed class ErrorBound
{
    public BoundVerdict Decide(HitEvidence entry, EvidencePool pool, double score, double maxErrorRate, double draw)
    {
        var needed = (int)Math.Ceiling(3 / maxErrorRate);
        var supporting = 0;
        foreach (var o in entry.Snapshot())
        {
            if (o.Score > score) continue;
            if (!o.Same) return BoundVerdict.Explore;
            supporting++;
        }
        return supporting >= needed ? BoundVerdict.Serve : BoundVerdict.Explore;
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

    /// <summary>The estimated error rate of hits served from <paramref name="pool"/>'s evidence (for the metric).</summary>
    public double EstimatedErrorRate(EvidencePool pool) => pool.Observations == 0 ? 0 : pool.Different / (double)pool.Observations;
}
