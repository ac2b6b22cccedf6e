namespace LlmGateway.Caching;

/// <summary>The outcome of a lookup: a hit, or the query vector computed on the way (reused to store the answer).</summary>
internal sealed record CacheLookup(CacheHit? Hit, float[]? QueryVector, bool EmbeddingFailed)
{
    /// <summary>Set when the error bound chose to verify a candidate: the request is forwarded and its answer compared.</summary>
    public Verified.Exploration? Exploration { get; init; }

    /// <summary>The vector search's beam on a miss: storing the answer inserts <see cref="QueryVector"/> next to it without searching again.</summary>
    public VectorIndex.InsertHint? Neighbours { get; init; }
}
