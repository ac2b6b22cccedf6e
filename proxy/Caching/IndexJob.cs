namespace LlmGateway.Caching;

/// <summary>
/// A stored answer waiting for the vector index. <paramref name="Vector"/> is the lookup's query vector when the request
/// computed one (then it is already in the stored entry); null when the indexer must embed the query text and write the
/// vector into the stored entry itself. <paramref name="Neighbours"/> comes with the lookup's vector: the beam its search
/// ended with, so the insert need not search again.
/// </summary>
internal sealed record IndexJob(CacheEntryMeta Meta, float[]? Vector, VectorIndex.InsertHint? Neighbours = null)
{
    /// <summary>Takes the entry's vector out of the index instead (the entry was evicted, replaced or removed).</summary>
    public bool RemovesVector { get; init; }
}
