namespace LlmGateway.Caching;

/// <summary>
/// Where an entry's vector is (<see cref="CacheEntryMeta.IndexState"/>). An answer is stored for the exact tier at once and
/// reaches the vector index later, from the background indexer: ExactOnly or Pending → Indexed, and any state → Removed when
/// the entry goes. Whoever moves an entry out of Indexed removes its vector; an indexer that finds Removed after adding the
/// vector removes it itself.
/// </summary>
internal static class CacheIndexState
{
    /// <summary>No vector (no query text, another embedder's vector, or its indexing was dropped): exact hits only.</summary>
    public const int ExactOnly = 0;

    /// <summary>Queued for embedding and indexing.</summary>
    public const int Pending = 1;

    /// <summary>Its vector is in the index.</summary>
    public const int Indexed = 2;

    /// <summary>The entry was removed (replaced, evicted, expired, purged).</summary>
    public const int Removed = 3;
}
