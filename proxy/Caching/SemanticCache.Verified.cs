using LlmGateway.Caching.Verified;
using LlmGateway.Storage;

namespace LlmGateway.Caching;

/// <summary>
/// The verified cache's state in the semantic cache: each entry's evidence lives on its <see cref="CacheEntryMeta"/>
/// and in its stored bytes (so it survives restarts and reaches other replicas through the PostgreSQL provider); the
/// pooled evidence per team scope and model is rebuilt from the entries at startup, never re-recorded.
/// </summary>
internal sealed partial class SemanticCache
{
    private readonly ErrorBound _bound;
    private readonly ExplorationRandom _random;
    private readonly BoundMetrics _boundMetrics;
    private readonly EvidencePools _pools = new();

    public EvidencePools EvidencePools => _pools;

    private BoundVerdict Decide(CacheEntryMeta candidate, double score, BoundContext bound)
    {
        var verdict = _bound.Decide(candidate.Evidence, _pools.For(candidate.Scope, candidate.Model), score, bound.MaxErrorRate, _random.NextDouble());
        _boundMetrics.Verdict(bound, verdict);
        return verdict;
    }

    /// <summary>
    /// Records a verified lookup for <paramref name="meta"/> and writes the evidence into its stored entry. False (nothing
    /// recorded) when the entry was replaced or removed since the lookup, or the store is failing.
    /// </summary>
    public bool RecordEvidence(CacheEntryMeta meta, double score, bool same)
    {
        lock (_writeLock)
        {
            if (_fault is not null || !_entries.TryGetValue(meta.Id, out var current) || !ReferenceEquals(current, meta))
                return false;
            if (_store is IAppendLogStore shared)
                return AppendEvidence(shared, meta, score, same);
            byte[] bytes;
            var recorded = false;
            try
            {
                if (_store.Read(meta.ExactKey) is not { } stored)
                    return false;
                var entry = CacheEntry.Deserialize(stored);
                _bound.Record(meta.Evidence, _pools.For(meta.Scope, meta.Model), score, same);
                meta.EvidenceTotal++;
                recorded = true;
                bytes = (entry with { Evidence = meta.Evidence, EvidenceTotal = meta.EvidenceTotal }).Serialize();
                _store.Upsert(meta.ExactKey, bytes);
            }
            catch (InvalidDataException)
            {
                return false;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                NoteFault(ex);
                return recorded; // in memory only; the store's fault is handled as any other
            }
            Interlocked.Add(ref _bytes, bytes.Length - meta.Bytes);
            meta.Bytes = bytes.Length;
            Interlocked.Increment(ref _indexVersion);
            return true;
        }
    }

    /// <summary>A store shared by replicas appends the observation beside the entry in one statement: none is lost to a concurrent one.</summary>
    private bool AppendEvidence(IAppendLogStore shared, CacheEntryMeta meta, double score, bool same)
    {
        try
        {
            if (shared.Append(meta.ExactKey, EvidenceLog.Encode(score, same), EvidenceLog.KeepBytes) is null)
                return false; // deleted by another replica meanwhile
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NoteFault(ex);
            return false;
        }
        _bound.Record(meta.Evidence, _pools.For(meta.Scope, meta.Model), score, same);
        meta.EvidenceTotal++;
        return true;
    }

    /// <summary>
    /// Another replica appended evidence for an entry (<see cref="IAppendLogStore"/>): records here the observations this
    /// copy has not counted (the newest <c>total − ours</c> of the log). Two replicas appending at the same moment may
    /// each count the other's record as their own here; the table itself loses nothing, and a restart counts it exactly.
    /// </summary>
    public void ApplyRemoteEvidence(byte[] key, byte[] log, long total)
    {
        lock (_writeLock)
        {
            if (!_entries.TryGetValue(BitConverter.ToInt64(key, 0), out var meta) || !meta.ExactKey.AsSpan().SequenceEqual(key))
                return;
            var fresh = total - meta.EvidenceTotal;
            if (fresh <= 0)
                return;
            var observations = EvidenceLog.Decode(log);
            var pool = _pools.For(meta.Scope, meta.Model);
            foreach (var o in observations[^(int)Math.Min(fresh, observations.Length)..])
                _bound.Record(meta.Evidence, pool, o.Score, o.Same);
            meta.EvidenceTotal = total;
        }
    }

    /// <summary>The entry as loaded, with the evidence its store keeps beside it (when it does) instead of in its bytes.</summary>
    private CacheEntry WithStoredEvidence(CacheEntry entry, CacheEntryMeta? previous)
    {
        if (_store is not IAppendLogStore shared || entry.EvidenceTotal > 0)
            return entry;
        // Another replica rewrote the entry (its vector): the evidence this copy holds stays with it.
        if (previous is not null && previous.CreatedUnixMs == entry.CreatedUnixMs)
            return entry with { Evidence = previous.Evidence, EvidenceTotal = previous.EvidenceTotal };
        if (previous is not null)
            return entry;
        var (log, total) = shared.ReadLog(entry.ExactKey);
        return total == 0 ? entry : entry with { Evidence = _bound.Evidence(EvidenceLog.Decode(log)), EvidenceTotal = total };
    }

    /// <summary>
    /// Adds to the pools what an entry's evidence holds that they have not counted: all of it for an entry loaded at
    /// startup, only the newer observations when another replica's change replaces an entry we already held.
    /// </summary>
    private void RestoreEvidence(CacheEntryMeta meta, CacheEntryMeta? previous)
    {
        var count = meta.Evidence.Count;
        if (count == 0)
            return;
        var known = previous is not null && previous.CreatedUnixMs == meta.CreatedUnixMs ? previous.EvidenceTotal : 0;
        var fresh = (int)Math.Clamp(meta.EvidenceTotal - known, 0, count);
        if (meta.EvidenceTotal == 0)
            fresh = count; // written without a total: count what is there
        _bound.Restore(_pools.For(meta.Scope, meta.Model), meta.Evidence, fresh);
    }

    /// <summary>Test hook: the evidence of the live entries whose question is <paramref name="queryText"/>.</summary>
    internal HitEvidence.Observation[] EvidenceFor(string queryText) =>
        [.. _entries.Values.Where(m => m.QueryText == queryText).SelectMany(m => m.Evidence.Snapshot())];
}
