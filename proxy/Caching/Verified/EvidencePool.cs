namespace LlmGateway.Caching.Verified;

/// <summary>Evidence pooled over all entries of one team scope and model: what a new entry's decision starts from.</summary>
internal sealed class EvidencePool
{
    private long _observations;
    private long _different;

    public long Observations => Interlocked.Read(ref _observations);

    public long Different => Interlocked.Read(ref _different);

    public void Add(double score, bool same)
    {
        Interlocked.Increment(ref _observations);
        if (!same)
            Interlocked.Increment(ref _different);
    }
}
