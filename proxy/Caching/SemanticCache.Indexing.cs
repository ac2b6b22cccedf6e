using LlmGateway.VectorIndex;

namespace LlmGateway.Caching;

/// <summary>
/// The semantic half of a store, off the request path: <see cref="SemanticIndexer"/> embeds the question (unless the
/// lookup already did) and calls <see cref="Index"/>, which writes the vector into the stored entry (so a restart can
/// rebuild the index from the store) and adds it to the vector index. An entry replaced or removed meanwhile is left
/// alone (<see cref="CacheIndexState"/> says who removes a vector).
/// </summary>
internal sealed partial class SemanticCache
{
    /// <summary>Stored answers queued for the vector index or being indexed; 0 once the background has caught up.</summary>
    public long PendingIndexing => _indexer.Pending;

    /// <summary>At shutdown, before the last commit: indexes what is queued, within <paramref name="cancellationToken"/>.</summary>
    public Task DrainIndexingAsync(CancellationToken cancellationToken) => _indexer.DrainAsync(cancellationToken);

    private void QueueForIndex(CacheEntryMeta meta, float[]? vector, InsertHint? neighbours)
    {
        if (_indexer.TryEnqueue(new IndexJob(meta, vector, vector is null ? null : neighbours)))
            return;
        // Back-pressure: the answer serves exact hits only rather than slowing the request down.
        if (Interlocked.CompareExchange(ref meta.IndexState, CacheIndexState.ExactOnly, CacheIndexState.Pending) == CacheIndexState.Pending)
            _metrics.StoreDropped(_indexer.Closed ? "shutdown" : "queue_full");
    }

    /// <summary>
    /// Takes an evicted or replaced entry's vector out of the index in the background, in its id's queue (so after the
    /// insert of that id and before a later one): a removal can set off a compaction of the partition's graph (seconds
    /// at 100k vectors), which must not hold up the store that evicted, nor every store waiting on the write lock.
    /// Inline when the queue refuses the job (full, or shut down). Meanwhile a search may still return the id: the lookup
    /// skips ids with no entry.
    /// </summary>
    private void RemoveVector(CacheEntryMeta meta)
    {
        if (!_indexer.TryEnqueue(new IndexJob(meta, null) { RemovesVector = true }))
            _index.Remove(meta.Id);
    }

    /// <summary>Runs on an indexer worker; <paramref name="vector"/> is null when the question could not be embedded.</summary>
    private void Index(IndexJob job, float[]? vector)
    {
        var meta = job.Meta;
        if (job.RemovesVector)
        {
            _index.Remove(meta.Id);
            Interlocked.Increment(ref _indexVersion);
            return;
        }
        if (vector is null)
        {
            if (Interlocked.CompareExchange(ref meta.IndexState, CacheIndexState.ExactOnly, CacheIndexState.Pending) == CacheIndexState.Pending)
                _metrics.StoreDropped("embedding_failed");
            return;
        }
        if (!IsCurrentAndPending(meta))
            return;
        if (job.Vector is null && !WriteVector(meta, vector))
            return;
        var index = _index;
        try
        {
            index.Add(meta.Id, BitConverter.ToUInt64(meta.PartitionKey, 0), vector, job.Neighbours);
        }
        catch (ArgumentException)
        {
            // The id is still indexed for an entry this one replaced (its own indexer removes it): this one stays exact-only.
            Interlocked.CompareExchange(ref meta.IndexState, CacheIndexState.ExactOnly, CacheIndexState.Pending);
            return;
        }
        if (Interlocked.CompareExchange(ref meta.IndexState, CacheIndexState.Indexed, CacheIndexState.Pending) != CacheIndexState.Pending)
            index.Remove(meta.Id); // removed while we added: removal saw no vector to remove
        Interlocked.Increment(ref _indexVersion);
    }

    private bool IsCurrentAndPending(CacheEntryMeta meta) =>
        _fault is null && Volatile.Read(ref meta.IndexState) == CacheIndexState.Pending
        && _entries.TryGetValue(meta.Id, out var current) && ReferenceEquals(current, meta);

    /// <summary>Rewrites the stored entry with its vector; false when the entry went meanwhile or the store failed.</summary>
    private bool WriteVector(CacheEntryMeta meta, float[] vector)
    {
        byte[] bytes;
        try
        {
            if (_store.Read(meta.ExactKey) is not { } stored)
                return false;
            bytes = (CacheEntry.Deserialize(stored, withVector: false) with { Vector = vector, EmbedderId = _embedder.ModelId }).Serialize();
        }
        catch (InvalidDataException)
        {
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NoteFault(ex);
            return false;
        }
        lock (_writeLock)
        {
            // Read outside the lock: only the entry this job was queued for may be overwritten.
            if (!IsCurrentAndPending(meta))
                return false;
            try
            {
                _store.Upsert(meta.ExactKey, bytes);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                NoteFault(ex);
                return false;
            }
            Interlocked.Add(ref _bytes, bytes.Length - meta.Bytes);
            meta.Bytes = bytes.Length;
            Interlocked.Increment(ref _indexVersion);
        }
        return true;
    }
}
