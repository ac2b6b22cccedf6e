namespace LlmGateway.Caching;

/// <summary>
/// What the cache keeps in memory per entry: enough to check a candidate (keys, scope, embedder, query
/// text for the guard, expiry) without reading FASTER. The answer itself stays in FASTER.
/// </summary>
internal sealed class CacheEntryMeta
{
    public required long Id { get; init; }
    public required byte[] ExactKey { get; init; }
    public required byte[] PartitionKey { get; init; }
    public required string Scope { get; init; }
    public required string Model { get; init; }
    public required string EmbedderId { get; init; }
    public required string? QueryText { get; init; }
    public required long CreatedUnixMs { get; init; }
    public required long ExpiresUnixMs { get; init; }
    /// <summary>Stored size; grows once when the indexer writes the vector into the entry (under the cache's write lock).</summary>
    public required int Bytes { get; set; }

    /// <summary>A <see cref="CacheIndexState"/>; moved by the indexer and by removal with interlocked operations.</summary>
    public int IndexState;

    /// <summary>The entry's vector is in the vector index.</summary>
    public bool InIndex => Volatile.Read(ref IndexState) == CacheIndexState.Indexed;

    public int HitCount;
    public long LastAccessUnixMs;

    /// <summary>The answer's verified-lookup evidence (Verified/); changed only through the cache's write lock.</summary>
    public required Verified.HitEvidence Evidence { get; init; }

    /// <summary>Observations ever recorded for this answer (see <see cref="CacheEntry.EvidenceTotal"/>); under the write lock.</summary>
    public long EvidenceTotal;

    public static CacheEntryMeta From(CacheEntry entry, int bytes, bool inIndex) => new()
    {
        Id = entry.Id,
        ExactKey = entry.ExactKey,
        PartitionKey = entry.PartitionKey,
        Scope = entry.Scope,
        Model = entry.Model,
        EmbedderId = entry.EmbedderId,
        QueryText = entry.QueryText,
        CreatedUnixMs = entry.CreatedUnixMs,
        ExpiresUnixMs = entry.ExpiresUnixMs,
        Bytes = bytes,
        IndexState = inIndex ? CacheIndexState.Indexed : CacheIndexState.ExactOnly,
        HitCount = entry.HitCount,
        LastAccessUnixMs = entry.CreatedUnixMs,
        Evidence = entry.Evidence ?? new Verified.HitEvidence(),
        EvidenceTotal = entry.EvidenceTotal,
    };
}
