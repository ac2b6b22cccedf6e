namespace LlmGateway.Caching;

/// <summary>A found answer: the entry, which tier found it, and how similar its question was.</summary>
internal sealed record CacheHit(CacheEntry Entry, string Tier, double Similarity)
{
    /// <summary>Set when the hit was served under an error bound (<c>Gateway:Cache:MaxErrorRate</c>).</summary>
    public Verified.BoundContext? Bound { get; init; }
}
