namespace LlmGateway.Caching.Verified;

/// <summary>
/// Rebuilding the pooled evidence from entries that already hold theirs (at startup, or an entry another replica
/// changed): the pool gets the observations again, the entry does not (it has them). <see cref="ErrorBound.Record"/>
/// would count them twice in the entry. Whatever the pool keeps for <see cref="ErrorBound"/>, it must keep here too.
/// </summary>
internal static class ErrorBoundRestore
{
    public static void Restore(this ErrorBound bound, EvidencePool pool, IEnumerable<HitEvidence.Observation> observations)
    {
        _ = bound;
        foreach (var o in observations)
            pool.Add(o.Score, o.Same);
    }
}
