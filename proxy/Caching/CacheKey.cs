namespace LlmGateway.Caching;

/// <summary>
/// Where a request may find its answer. <see cref="Exact"/> hashes the whole normalised request;
/// <see cref="Partition"/> hashes everything that must match exactly for a semantic hit (scope, model,
/// embedder, system prompt, earlier turns, tools, response format, sampling parameters) — all but the
/// query text. Under <c>x-cache-query</c> the partition also hashes the last user message with only the
/// header's question cut out, and lives apart from header-less partitions.
/// </summary>
internal sealed record CacheKey(string Scope, string Model, byte[] Exact, byte[] Partition, string? QueryText)
{
    /// <summary>The entry id: the exact hash's first 8 bytes (the full hash is checked on every hit).</summary>
    public long Id => BitConverter.ToInt64(Exact, 0);

    /// <summary>The partition as the vector index knows it (the full hash is checked on every hit).</summary>
    public ulong PartitionId => BitConverter.ToUInt64(Partition, 0);

    /// <summary>Semantic lookup needs a text question (no images or audio in it).</summary>
    public bool AllowsSemantic => QueryText is { Length: > 0 };
}
