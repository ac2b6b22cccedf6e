using LlmGateway.VectorIndex;

namespace LlmGateway.Caching;

/// <summary>Startup load, eviction, expiry, purge and commit.</summary>
internal sealed partial class SemanticCache
{
    /// <summary>Reads every stored entry into memory; drops unreadable and expired ones. Returns how many came from another embedder.</summary>
    private int LoadEntries()
    {
        var now = NowMs;
        var otherEmbedder = 0;
        var drop = new List<byte[]>();
        foreach (var (key, value) in _store.Scan())
        {
            if (key.AsSpan().SequenceEqual(ProbeKey))
                continue;
            CacheEntry entry;
            try
            {
                entry = CacheEntry.Deserialize(value);
            }
            catch (InvalidDataException ex)
            {
                CacheLog.EntryUnreadable(_logger, ex.Message);
                drop.Add(key);
                continue;
            }
            if (entry.ExpiresUnixMs <= now)
            {
                drop.Add(key);
                continue;
            }
            var indexed = entry.Vector.Length > 0 && entry.EmbedderId == _embedder.ModelId;
            if (entry.Vector.Length > 0 && !indexed)
                otherEmbedder++;
            var meta = CacheEntryMeta.From(WithStoredEvidence(entry, previous: null), value.Length, indexed);
            _entries[meta.Id] = meta;
            RestoreEvidence(meta, previous: null);
            _scopeCounts.AddOrUpdate(meta.Scope, 1, (_, n) => n + 1);
            _bytes += meta.Bytes;
        }
        foreach (var key in drop)
            _store.Delete(key);
        return otherEmbedder;
    }

    /// <summary>Vectors of the entries that belong in the index (for a rebuild).</summary>
    private IEnumerable<VectorEntry> IndexedVectors()
    {
        foreach (var meta in _entries.Values.Where(m => m.InIndex).ToList())
        {
            if (_store.Read(meta.ExactKey) is { } bytes)
            {
                var entry = CacheEntry.Deserialize(bytes);
                yield return new VectorEntry(entry.Id, BitConverter.ToUInt64(entry.PartitionKey, 0), entry.Vector);
            }
        }
    }

    /// <summary>Makes a loaded snapshot agree with the store: entries committed after the snapshot are added, gone ones removed.</summary>
    private void Reconcile()
    {
        var added = 0;
        foreach (var meta in _entries.Values.Where(m => m.InIndex && !_index.Contains(m.Id)).ToList())
        {
            if (_store.Read(meta.ExactKey) is not { } bytes)
                continue;
            var entry = CacheEntry.Deserialize(bytes);
            _index.Add(entry.Id, BitConverter.ToUInt64(entry.PartitionKey, 0), entry.Vector);
            added++;
        }
        var removed = 0;
        foreach (var id in _index.Ids().Where(id => !_entries.TryGetValue(id, out var m) || !m.InIndex).ToList())
        {
            _index.Remove(id);
            removed++;
        }
        if (added + removed > 0)
            CacheLog.IndexReconciled(_logger, added, removed);
    }

    /// <summary>Evicts the least recently used entries down to 95 % of each bound that is passed.</summary>
    private void EvictLocked(string scope, int? scopeQuota)
    {
        if (scopeQuota is { } quota && _scopeCounts.TryGetValue(scope, out var inScope) && inScope > quota)
            EvictOldestLocked(_entries.Values.Where(m => m.Scope == scope), inScope - (int)(quota * 0.95), long.MaxValue, "team quota");
        if (_entries.Count > _options.MaxEntries)
            EvictOldestLocked(_entries.Values, _entries.Count - (int)(_options.MaxEntries * 0.95), long.MaxValue, "max entries");
        if (Interlocked.Read(ref _bytes) > _options.MaxBytes)
            EvictOldestLocked(_entries.Values, int.MaxValue, Interlocked.Read(ref _bytes) - (long)(_options.MaxBytes * 0.95), "max bytes");
    }

    private void EvictOldestLocked(IEnumerable<CacheEntryMeta> candidates, int count, long bytes, string reason)
    {
        var evicted = 0;
        long freed = 0;
        foreach (var meta in candidates.OrderBy(m => Volatile.Read(ref m.LastAccessUnixMs)).ToList())
        {
            if (evicted >= count || freed >= bytes)
                break;
            RemoveLocked(meta);
            evicted++;
            freed += meta.Bytes;
        }
        if (evicted == 0)
            return;
        _metrics.Evicted(evicted);
        CacheLog.Evicted(_logger, evicted, reason);
    }

    /// <summary>Removes expired entries.</summary>
    public int RemoveExpired()
    {
        var now = NowMs;
        return Purge(m => m.ExpiresUnixMs <= now);
    }

    /// <summary>Removes every entry <paramref name="match"/> selects; returns how many.</summary>
    public int Purge(Func<CacheEntryMeta, bool> match)
    {
        lock (_writeLock)
        {
            var victims = _entries.Values.Where(match).ToList();
            foreach (var meta in victims)
                RemoveLocked(meta);
            return victims.Count;
        }
    }

    public IReadOnlyCollection<CacheEntryMeta> Entries => (IReadOnlyCollection<CacheEntryMeta>)_entries.Values;

    /// <summary>
    /// Makes what was stored durable: a FASTER checkpoint (every call), and a vector-index snapshot
    /// when <paramref name="snapshot"/> is set and the index changed. Entries written after the last
    /// checkpoint are what a crash loses.
    /// </summary>
    public async Task CommitAsync(bool snapshot, CancellationToken cancellationToken)
    {
        var version = Interlocked.Read(ref _indexVersion);
        if (version != _committedVersion)
        {
            await _store.CheckpointAsync(cancellationToken);
            _committedVersion = version;
        }
        if (!snapshot || version == _snapshotVersion)
            return;
        var temporary = _snapshotPath + ".tmp";
        // The index holds off its own writers while it saves (searches go on); the store's writers are not held up.
        _index.SaveSnapshot(temporary);
        File.Move(temporary, _snapshotPath, overwrite: true);
        _snapshotVersion = version;
    }
}
