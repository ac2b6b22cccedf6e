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
    public required int Bytes { get; init; }
    public required bool InIndex { get; init; }

    public int HitCount;
    public long LastAccessUnixMs;

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
        InIndex = inIndex,
        HitCount = entry.HitCount,
        LastAccessUnixMs = entry.CreatedUnixMs,
    };
}
