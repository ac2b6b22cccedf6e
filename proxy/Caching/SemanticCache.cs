using System.Collections.Concurrent;
using LlmGateway.Caching.Verified;
using LlmGateway.Embeddings;
using LlmGateway.Gateway;
using LlmGateway.Storage;
using LlmGateway.VectorIndex;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>
/// The semantic cache: exact tier, then nearest neighbour within the request's partition. Answers live in
/// FASTER; what a lookup checks (keys, scope, embedder, query text, expiry) lives in memory; vectors live
/// in the partitioned HNSW index. Reads take no lock; writes to the store (store, evict, purge) are serialised
/// and cheap: a stored answer serves exact hits at once, and reaches the vector index later from the background
/// <see cref="SemanticIndexer"/> (SemanticCache.Indexing.cs).
/// </summary>
internal sealed partial class SemanticCache : IDisposable
{
    private const int SemanticCandidates = 8;

    private readonly CacheOptions _options;
    private readonly ITextEmbedder _embedder;
    private readonly TimeProvider _time;
    private readonly ILogger<SemanticCache> _logger;
    private readonly CacheMetrics _metrics;
    private readonly CacheDeviceHook? _hook;
    private readonly IEntryStoreProvider? _stores;
    private readonly HitDecision _hitDecision;
    private readonly VectorIndexOptions _vectorOptions;
    private readonly string _folder;
    private IEntryStore _store;
    private PartitionedVectorIndex _index;
    private volatile CacheFault? _fault;
    private readonly ConcurrentDictionary<long, CacheEntryMeta> _entries = new();
    private readonly ConcurrentDictionary<string, int> _scopeCounts = new(StringComparer.Ordinal);
    private readonly Lock _writeLock = new();
    private readonly SemaphoreSlim _storeAdmission = new(1, 1);
    private readonly string _snapshotPath;
    private readonly SemanticIndexer _indexer;
    private long _bytes;
    private long _indexVersion;
    private long _snapshotVersion;
    private long _committedVersion = -1;

    public SemanticCache(IOptions<CacheOptions> options, IOptions<VectorIndexOptions> indexOptions, GatewayConfigStore config, ITextEmbedder embedder,
        TimeProvider time, ILogger<SemanticCache> logger, CacheMetrics metrics, ErrorBound bound, ExplorationRandom random, BoundMetrics boundMetrics,
        CacheDeviceHook? hook = null, IEntryStoreProvider? stores = null)
    {
        _bound = bound;
        _random = random;
        _boundMetrics = boundMetrics;
        _hook = hook;
        _stores = stores;
        _options = options.Value;
        _embedder = embedder;
        _hitDecision = HitDecision.For(HitDecisions.For(embedder.ModelId), _options.Verifier);
        _time = time;
        _logger = logger;
        _metrics = metrics;
        var folder = Path.GetFullPath(Path.Combine(config.Current.Options.Storage.Path, "cache"));
        _folder = folder;
        _store = OpenStore();
        _snapshotPath = Path.Combine(folder, "vectors.snapshot");
        _vectorOptions = indexOptions.Value with { Dimension = embedder.Dimension };
        var otherEmbedder = LoadEntries();
        _index = PartitionedVectorIndex.LoadOrRebuild(_snapshotPath, _vectorOptions, IndexedVectors, logger);
        Reconcile();
        _snapshotVersion = _indexVersion;
        CacheLog.Opened(logger, folder, _entries.Count, _bytes, _index.Count, otherEmbedder);
        _metrics.ObserveSize(() => _entries.Count, () => Interlocked.Read(ref _bytes));
        _metrics.ObserveFault(() => _fault is null ? 0 : 1);
        _indexer = new SemanticIndexer(embedder, Index, _options.IndexQueueCapacity, _options.IndexWorkers, logger);
        _metrics.ObserveIndexQueue(() => _indexer.Pending);
        _metrics.ObserveVectors(() => _index.Count);
    }

    public string EmbedderId => _embedder.ModelId;

    public string Folder => _folder;

    /// <summary>Set while the store is failing: the cache is bypassed (no lookups, no stores) until it is reopened.</summary>
    public CacheFault? Fault => _fault;

    public int Count => _entries.Count;

    public long Bytes => Interlocked.Read(ref _bytes);

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>
    /// Exact tier, then semantic tier (when the key allows it). With <paramref name="bound"/> (δ set for the request), the
    /// highest-scoring candidate is decided by <see cref="ErrorBound"/> from the verified evidence: served, skipped (a miss),
    /// or explored (no hit, and the <see cref="Exploration"/> to verify once the fresh answer is in).
    /// </summary>
    public async ValueTask<CacheLookup> LookupAsync(CacheKey key, double? threshold, bool guard, CancellationToken cancellationToken, BoundContext? bound = null)
    {
        if (_fault is not null)
            return new CacheLookup(null, null, false);
        var now = NowMs;
        if (_entries.TryGetValue(key.Id, out var meta) && meta.ExactKey.AsSpan().SequenceEqual(key.Exact) && meta.ExpiresUnixMs > now
            && await ReadAsync(meta) is { } exact)
        {
            Touch(meta, now);
            return new CacheLookup(new CacheHit(exact, "exact", 1.0), null, false);
        }
        if (!key.AllowsSemantic || threshold is null)
            return new CacheLookup(null, null, false);

        if (await EmbedQueryAsync(key.QueryText!, cancellationToken) is not { } vector)
            return new CacheLookup(null, null, true);

        HitText? asked = null; // analysed once, for the first candidate the guard checks
        (CacheEntryMeta Candidate, double Score, double Similarity)? best = null;
        var matches = _index.Search(key.PartitionId, vector, SemanticCandidates, out var neighbours, (float)threshold.Value);
        foreach (var match in matches)
        {
            if (!_entries.TryGetValue(match.Id, out var candidate)
                || !candidate.PartitionKey.AsSpan().SequenceEqual(key.Partition)
                || candidate.EmbedderId != _embedder.ModelId
                || candidate.ExpiresUnixMs <= now)
                continue;
            if (bound is not null)
            {
                var score = guard && candidate.QueryHitText is { } scored ? _hitDecision.Score(asked ??= new HitText(key.QueryText!), scored, match.Similarity) : match.Similarity;
                // Below the floor a verification would be wasted on a candidate that is almost surely another question.
                if (score >= _options.ExploreFloor && (best is null || score > best.Value.Score))
                    best = (candidate, score, match.Similarity);
                continue;
            }
            // Without a bound, only the nearest live candidate is decided: one farther away would be served only because the
            // nearest was refused, and then it is rarely the same question (measured: proxy/Caching/README.md, "Only the
            // nearest"). A nearest whose bytes are gone is not live: the next one is decided.
            if (guard && candidate.QueryHitText is { } stored && !_hitDecision.Allows(asked ??= new HitText(key.QueryText!), stored, match.Similarity))
            {
                _metrics.GuardRefused();
                break;
            }
            if (await ReadAsync(candidate) is not { } entry)
                continue;
            Touch(candidate, now);
            return new CacheLookup(new CacheHit(entry, "semantic", match.Similarity), vector, false);
        }
        // Only now, after no candidate was served: a hit returns above without this.
        var miss = new CacheLookup(null, vector, false) { Neighbours = neighbours };
        if (bound is not null && best is { } chosen)
            return await DecideBestAsync(chosen.Candidate, chosen.Score, chosen.Similarity, bound, miss, now, key.QueryText);
        return miss;
    }

    /// <summary>
    /// One decision per lookup, for the candidate it would serve (the highest score): the estimator weighs its groups by
    /// lookups, so deciding several candidates of one lookup would skew them.
    /// </summary>
    private async ValueTask<CacheLookup> DecideBestAsync(CacheEntryMeta candidate, double score, double similarity, BoundContext bound, CacheLookup miss, long now, string? question)
    {
        if (await ReadAsync(candidate) is not { } entry)
            return miss;
        switch (Decide(candidate, score, bound))
        {
            case BoundVerdict.Explore:
                return miss with { Exploration = new Exploration(candidate, entry.Answer, score, bound, question) };
            case BoundVerdict.Serve:
                Touch(candidate, now);
                return new CacheLookup(new CacheHit(entry, "semantic", similarity) { Bound = bound }, miss.QueryVector, false);
            default:
                return miss;
        }
    }

    /// <summary>Embeds a query within <see cref="CacheOptions.EmbeddingTimeout"/>; null (counted, logged) when it cannot be embedded in time.</summary>
    public async ValueTask<float[]?> EmbedQueryAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(_options.EmbeddingTimeout);
            return await _embedder.EmbedAsync(text, timeout.Token);
        }
        catch (Exception ex) when (ex is TimeoutException or ArgumentException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _metrics.EmbeddingFailed();
            CacheLog.EmbeddingFailed(_logger, ex.GetType().Name);
            return null;
        }
    }

    /// <summary>
    /// <see cref="Store"/> for the request path: one request at a time goes on to the write lock, the others wait here
    /// without holding a thread. Under the lock a FASTER call can be the one that runs a checkpoint step and waits for
    /// its disk write, which the thread pool carries out; with every pool thread blocked on the lock behind it, that
    /// write waited for thread injection and the whole gateway stood still for seconds (README, "Storing a miss's answer").
    /// </summary>
    public async ValueTask<bool> StoreAsync(CacheEntry entry, int? scopeQuota, InsertHint? neighbours = null)
    {
        await _storeAdmission.WaitAsync();
        try
        {
            return Store(entry, scopeQuota, neighbours);
        }
        finally
        {
            _storeAdmission.Release();
        }
    }

    /// <summary>
    /// Stores an answer (replacing one with the same exact key) for exact hits at once, evicts down to capacity, and queues
    /// its question for the vector index (with the lookup's vector and <paramref name="neighbours"/> when the entry
    /// carries that vector). False when the store is failing (skipped).
    /// </summary>
    public bool Store(CacheEntry entry, int? scopeQuota, InsertHint? neighbours = null)
    {
        if (entry.Vector.Length == 0 && entry.QueryText is { Length: > 0 } text && _embedder is ISpanTextEmbedder inline)
        {
            // An embedder that works on spans (hashing) takes microseconds: embed here, so the entry is written once,
            // with its vector. A model's embedding (milliseconds) is left to the background indexer.
            var embedded = new float[_embedder.Dimension];
            inline.Embed(text, embedded);
            entry = entry with { Vector = embedded, EmbedderId = _embedder.ModelId };
        }
        var bytes = entry.Serialize();
        if (bytes.Length > _options.MaxEntryBytes + 64 * 1024)
            return true;
        var vector = entry.Vector.Length > 0 && entry.EmbedderId == _embedder.ModelId ? entry.Vector : null;
        CacheEntryMeta meta;
        lock (_writeLock)
        {
            if (_fault is not null)
                return false;
            var previous = _entries.GetValueOrDefault(entry.Id);
            if (previous is not null)
                RemoveLocked(previous);
            try
            {
                _store.Upsert(entry.ExactKey, bytes);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                NoteFault(ex);
                return false;
            }
            meta = CacheEntryMeta.From(WithStoredEvidence(entry, previous), bytes.Length, inIndex: false);
            if (entry.QueryText is { Length: > 0 })
                meta.IndexState = CacheIndexState.Pending;
            AddLocked(meta);
            RestoreEvidence(meta, previous);
            EvictLocked(entry.Scope, scopeQuota);
        }
        if (meta.IndexState == CacheIndexState.Pending)
            QueueForIndex(meta, vector, neighbours);
        return true;
    }

    /// <summary>An entry's answer for the request path: a record that has left FASTER's memory is awaited, not waited for.</summary>
    private async ValueTask<CacheEntry?> ReadAsync(CacheEntryMeta meta)
    {
        byte[]? bytes;
        try
        {
            bytes = await _store.ReadAsync(meta.ExactKey);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A failing store answers a miss; the fault bypasses the cache until storage returns.
            NoteFault(ex);
            return null;
        }
        if (bytes is null)
            return null;
        try
        {
            return CacheEntry.Deserialize(bytes, withVector: false);
        }
        catch (InvalidDataException ex)
        {
            CacheLog.EntryUnreadable(_logger, ex.Message);
            lock (_writeLock) RemoveLocked(meta);
            return null;
        }
    }

    private static void Touch(CacheEntryMeta meta, long now)
    {
        Interlocked.Increment(ref meta.HitCount);
        Volatile.Write(ref meta.LastAccessUnixMs, now);
    }

    private void AddLocked(CacheEntryMeta meta)
    {
        _entries[meta.Id] = meta;
        _scopeCounts.AddOrUpdate(meta.Scope, 1, (_, n) => n + 1);
        Interlocked.Add(ref _bytes, meta.Bytes);
        Interlocked.Increment(ref _indexVersion);
    }

    private void RemoveLocked(CacheEntryMeta meta)
    {
        if (!_entries.TryRemove(new KeyValuePair<long, CacheEntryMeta>(meta.Id, meta)))
            return;
        try
        {
            _store.Delete(meta.ExactKey);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            NoteFault(ex);
        }
        if (Interlocked.Exchange(ref meta.IndexState, CacheIndexState.Removed) == CacheIndexState.Indexed)
            RemoveVector(meta);
        _scopeCounts.AddOrUpdate(meta.Scope, 0, (_, n) => n - 1);
        Interlocked.Add(ref _bytes, -meta.Bytes);
        Interlocked.Increment(ref _indexVersion);
    }

    public void Dispose()
    {
        _indexer.Dispose();
        _store.Dispose();
    }
}
