namespace LlmGateway.Metrics;

/// <summary>
/// Exposed Prometheus family names the dashboard, alert rules and tests read. The families of other capabilities
/// are produced by their own instruments; the exporter library names them (rules in <c>Metrics/README.md</c>).
/// </summary>
internal static class MetricFamilies
{
    public const string Requests = "llm_gateway_requests_total";
    public const string RequestDuration = "llm_gateway_request_duration_seconds";
    public const string Overhead = "llm_gateway_overhead_seconds";
    public const string UpstreamDuration = "llm_gateway_upstream_duration_seconds";
    public const string TimeToFirstToken = "llm_gateway_time_to_first_token_seconds";
    public const string UpstreamErrors = "llm_gateway_upstream_errors_total";
    public const string Fallbacks = "llm_gateway_fallbacks_total";
    public const string BuildInfo = "llm_gateway_build_info";
    public const string ConfigReloads = "llm_gateway_config_reloads_total";
    public const string ConfigLastReloadSuccess = "llm_gateway_config_last_reload_success";

    // Recorded by the budgets capability.
    public const string CostUsd = "llm_gateway_cost_usd_total";
    public const string SavedUsd = "llm_gateway_saved_usd_total";
    public const string Tokens = "llm_gateway_tokens_total";
    public const string BudgetSpent = "llm_gateway_budget_spent_usd";
    public const string BudgetLimit = "llm_gateway_budget_limit_usd";
    public const string BudgetRemaining = "llm_gateway_budget_remaining_usd";
    public const string Rejections = "llm_gateway_rejections_total";
    public const string LedgerFaulted = "llm_gateway_ledger_faulted";
    public const string LedgerUnrecorded = "llm_gateway_ledger_unrecorded";
    public const string LedgerRecordsLost = "llm_gateway_ledger_records_lost_total";
    public const string LedgerFaults = "llm_gateway_ledger_faults_total";

    // Recorded by the PostgreSQL storage provider (Storage/Postgres).
    public const string StorageFaulted = "llm_gateway_storage_faulted";
    public const string StorageRecordsLost = "llm_gateway_storage_records_lost_total";

    // Recorded by the caching and embeddings capabilities.
    public const string CacheLookups = "llm_gateway_cache_lookups_total";
    public const string CacheEntries = "llm_gateway_cache_entries";
    public const string CacheBytes = "llm_gateway_cache_bytes";
    public const string CacheEvictions = "llm_gateway_cache_evictions_total";
    public const string CacheFaulted = "llm_gateway_cache_faulted";
    public const string CacheFaults = "llm_gateway_cache_faults_total";
    public const string CacheLookupsBypassed = "llm_gateway_cache_lookups_bypassed_total";
    public const string CacheBypasses = "llm_gateway_cache_bypasses_total";
    public const string EmbeddingDuration = "llm_gateway_embedding_duration_seconds";
    public const string CacheSimilarity = "llm_gateway_cache_similarity";

    // Recorded by the verified cache (Caching/Verified, Gateway:Cache:MaxErrorRate).
    public const string CacheBoundVerdicts = "llm_gateway_cache_bound_verdicts_total";
    public const string CacheBoundHits = "llm_gateway_cache_bound_hits_total";
    public const string CacheExplorations = "llm_gateway_cache_explorations_total";
    public const string CacheExplorationCostUsd = "llm_gateway_cache_exploration_cost_usd_total";
    public const string CacheEstimatedErrorRate = "llm_gateway_cache_estimated_error_rate";
    public const string CacheJudgeCalls = "llm_gateway_cache_judge_calls_total";
}
