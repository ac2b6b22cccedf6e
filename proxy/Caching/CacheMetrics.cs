using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace LlmGateway.Caching;

/// <summary>The cache's instruments (meter <c>LlmGateway.Caching</c>); labels are bounded (result, tier, reason, team/model from config).</summary>
internal sealed class CacheMetrics
{
    public const string MeterName = "LlmGateway.Caching";

    private readonly Counter<long> _lookups;
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _embeddingFailures;
    private readonly Counter<long> _guardRefusals;
    private readonly Counter<long> _notStored;
    private readonly Counter<long> _shadowChecks;
    private readonly Counter<long> _bypassed;
    private readonly Counter<long> _faults;
    private readonly Counter<long> _bypasses;
    private readonly Counter<long> _storeDropped;
    private readonly Histogram<double> _similarity;
    private readonly Meter _meter;

    public CacheMetrics(IMeterFactory meterFactory)
    {
        _meter = meterFactory.Create(MeterName);
        _lookups = _meter.CreateCounter<long>("llm_gateway.cache.lookups", "{lookup}", "Cache lookups by result (hit, miss) and tier (exact, semantic).");
        _evictions = _meter.CreateCounter<long>("llm_gateway.cache.evictions", "{entry}", "Entries evicted for capacity or team quota.");
        _embeddingFailures = _meter.CreateCounter<long>("llm_gateway.cache.embedding_failures", "{lookup}", "Lookups served as a miss because the query could not be embedded in time.");
        _guardRefusals = _meter.CreateCounter<long>("llm_gateway.cache.guard_refusals", "{candidate}", "Lookups whose nearest semantic candidate the second stage (verifier or look-alike guard) refused; at most one per lookup since 2026-12-03.");
        _notStored = _meter.CreateCounter<long>("llm_gateway.cache.not_stored", "{response}", "Answers not stored, by reason.");
        _shadowChecks = _meter.CreateCounter<long>("llm_gateway.cache.shadow_checks", "{check}", "Semantic hits re-asked of the provider, by team, model and whether the answers agreed.");
        _bypassed = _meter.CreateCounter<long>("llm_gateway.cache.lookups_bypassed", "{lookup}", "Lookups not made because the cache's store is failing (served as a miss).");
        _storeDropped = _meter.CreateCounter<long>("llm_gateway.cache.store_dropped", "{response}",
            "Answers stored for exact hits only because their semantic store (embedding and vector index) was dropped, by reason (queue_full, embedding_failed, shutdown).");
        _faults = _meter.CreateCounter<long>("llm_gateway.cache.faults", "{fault}", "Episodes of cache storage failure.");
        _bypasses = _meter.CreateCounter<long>("llm_gateway.cache.bypasses", "{request}", "Requests the cache did not look up, by the reason of the rule that refused (disabled, no_store, no_cache, ...).");
        _similarity = _meter.CreateHistogram<double>("llm_gateway.cache.similarity", null, "Cosine similarity of accepted semantic hits.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.97, 0.98, 0.99, 1.0] });
    }

    public void ObserveSize(Func<int> entries, Func<long> bytes)
    {
        _meter.CreateObservableGauge("llm_gateway.cache.entries", entries, "{entry}", "Entries in the cache.");
        _meter.CreateObservableGauge("llm_gateway.cache.bytes", bytes, null, "Bytes of stored entries.");
    }

    public void ObserveFault(Func<int> faulted) =>
        _meter.CreateObservableGauge("llm_gateway.cache.faulted", faulted, null, "1 while the cache's storage is failing (the cache is bypassed), else 0.");

    public void Faulted() => _faults.Add(1);

    public void StoreDropped(string reason) => _storeDropped.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ObserveIndexQueue(Func<long> pending) =>
        _meter.CreateObservableGauge("llm_gateway.cache.index_queue", pending, "{job}", "Stored answers waiting to be embedded and indexed, and evicted answers' vectors waiting to leave the index.");

    public void ObserveVectors(Func<int> vectors) =>
        _meter.CreateObservableGauge("llm_gateway.cache.vectors", vectors, "{vector}", "Vectors in the semantic index (entries minus those exact-only or still queued).");

    public void LookupBypassed() => _bypassed.Add(1);

    /// <summary>A request rule refused the lookup (and, except for <c>no_cache</c>, the store).</summary>
    public void Bypassed(string reason) => _bypasses.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void Lookup(CacheResult result, string? tier, double? similarity)
    {
        _lookups.Add(1, new TagList { { "result", result == CacheResult.Hit ? "hit" : "miss" }, { "tier", tier ?? "none" } });
        if (tier == "semantic" && similarity is { } s)
            _similarity.Record(s);
    }

    public void Evicted(int count) => _evictions.Add(count);

    public void EmbeddingFailed() => _embeddingFailures.Add(1);

    public void GuardRefused() => _guardRefusals.Add(1);

    public void NotStored(string reason) => _notStored.Add(1, new KeyValuePair<string, object?>("reason", reason));

    public void ShadowCheck(string team, string model, bool agreed) =>
        _shadowChecks.Add(1, new TagList { { "team", team }, { "model", model }, { "agreed", agreed ? "true" : "false" } });
}
