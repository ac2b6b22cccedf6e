using LlmGateway.Storage;
using LlmGateway.VectorIndex;

namespace LlmGateway.Caching;

/// <summary>
/// Storage faults: a failing store turns the cache into a bypass (one log line per episode), and the
/// maintenance loop reopens it until storage returns. FASTER's log stays failed once a write fails, so
/// recovery is a reopen: FASTER recovers its last checkpoint and what lives in memory is rebuilt from it.
/// </summary>
internal sealed partial class SemanticCache
{
    /// <summary>A record written to prove writes work after a reopen (a checkpoint with nothing new writes nothing); never an entry.</summary>
    private static ReadOnlySpan<byte> ProbeKey => "llmgw:write-probe"u8;

    private readonly SemaphoreSlim _maintenance = new(1, 1);

    /// <summary>
    /// Opens the store: the shared one when a storage provider supplies it, else FASTER in the cache's folder, where a
    /// checkpoint FASTER could not recover (it then opens empty) is said in a log line: the cache starts over.
    /// </summary>
    private IEntryStore OpenStore()
    {
        if (_stores?.Open(_folder) is { } shared)
            return shared;
        // Reopening after a fault: only the folder this cache opened first (same identity), never one recreated in its place.
        var store = new FasterEntryStore(_folder, _options.MemoryBytes, _options.MaxEntryBytes + 64 * 1024, _options.MaxEntries, _hook?.Wrap, (_store as FasterEntryStore)?.Identity);
        if (store.CheckpointUnrecovered)
            CacheLog.CheckpointUnrecovered(_logger, _folder);
        return store;
    }

    /// <summary>Starts a fault episode (logged and counted once); later faults in the same episode are ignored.</summary>
    internal void NoteFault(Exception exception)
    {
        var fault = new CacheFault(_time.GetUtcNow(), exception.GetBaseException().Message);
        if (Interlocked.CompareExchange(ref _fault, fault, null) is not null)
            return;
        _metrics.Faulted();
        CacheLog.StorageFaulted(_logger, _folder, fault.Error);
    }

    /// <summary>
    /// One maintenance step: a commit (bounded by <see cref="CacheOptions.CommitTimeout"/>) while storage works,
    /// a reopen while it fails. Never throws for a storage error; returns whether the store is healthy after it.
    /// </summary>
    public async Task<bool> CommitOrRecoverAsync(bool snapshot, CancellationToken cancellationToken)
    {
        await _maintenance.WaitAsync(cancellationToken);
        try
        {
            if (_fault is not null)
                return await TryReopenAsync(cancellationToken);
            await CommitAsync(snapshot, cancellationToken).WaitAsync(_options.CommitTimeout, cancellationToken);
            // FASTER "commits" into a folder it recreated after an rm -rf; the marker tells.
            if (_store is FasterEntryStore faster && !faster.InPlace())
                throw new IOException(FasterEntryStore.Replaced(_folder));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            NoteFault(ex is TimeoutException ? new IOException($"a commit did not finish within {_options.CommitTimeout}") : ex);
            return false;
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private async Task<bool> TryReopenAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_folder))
            return false; // a vanished mount point is not recreated on whatever is mounted there now
        int entries;
        lock (_writeLock)
        {
            _store.Dispose();
            _entries.Clear();
            _scopeCounts.Clear();
            _pools.Clear(); // rebuilt from the reopened entries' evidence
            Interlocked.Exchange(ref _bytes, 0);
            try
            {
                _store = OpenStore();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FASTER.core.FasterException)
            {
                return false;
            }
            LoadEntries();
            _index = PartitionedVectorIndex.LoadOrRebuild(_snapshotPath, _vectorOptions, IndexedVectors, _logger);
            Reconcile();
            entries = _entries.Count;
            Interlocked.Increment(ref _indexVersion);
        }
        // Prove that writes work again before serving from the store.
        var version = Interlocked.Read(ref _indexVersion);
        try
        {
            _store.Upsert(ProbeKey, BitConverter.GetBytes(version));
            await _store.CheckpointAsync(cancellationToken).WaitAsync(_options.CommitTimeout, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        _committedVersion = version;
        var fault = _fault;
        _fault = null;
        CacheLog.StorageRecovered(_logger, _folder, fault?.Since ?? _time.GetUtcNow(), entries);
        return true;
    }
}
