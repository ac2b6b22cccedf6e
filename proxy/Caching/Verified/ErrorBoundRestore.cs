namespace LlmGateway.Caching.Verified;

/// <summary>
/// Rebuilding the pooled evidence from entries that already hold theirs (at startup, or an entry another replica
/// changed): the pool gets the observations again, the entry does not (it has them); <see cref="ErrorBound.Record"/>
/// would count them twice in the entry.
/// </summary>
internal static class ErrorBoundRestore
{
    /// <summary>
    /// Adds the newest <paramref name="newest"/> of <paramref name="entry"/>'s observations to <paramref name="pool"/>, each in
    /// the group it had when it was recorded (the entry's evidence replayed in order, as <see cref="EvidencePool.Rebuild"/> does).
    /// </summary>
    public static void Restore(this ErrorBound bound, EvidencePool pool, HitEvidence entry, int newest)
    {
        _ = bound;
        var observations = entry.Snapshot();
        if (newest >= observations.Length)
        {
            pool.Rebuild(entry);
            return;
        }
        var replay = new HitEvidence();
        for (var i = 0; i < observations.Length; i++)
        {
            var o = observations[i];
            if (i >= observations.Length - newest)
                pool.Add(o.Score, o.Same, replay.Confirms(o.Score));
            replay.Add(o.Score, o.Same);
        }
    }

    /// <summary>An entry's evidence as it was stored elsewhere (a log beside the entry), observations oldest first.</summary>
    public static HitEvidence Evidence(this ErrorBound bound, IEnumerable<HitEvidence.Observation> observations)
    {
        _ = bound;
        var evidence = new HitEvidence();
        foreach (var o in observations)
            evidence.Add(o.Score, o.Same);
        return evidence;
    }
}
