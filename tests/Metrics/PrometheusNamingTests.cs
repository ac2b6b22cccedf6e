using System.Diagnostics.Metrics;
using System.Reflection;
using LlmGateway.Metrics;

namespace LlmGateway.Tests.Metrics;

/// <summary>
/// The exporter library's name translation, checked on the project's own instruments: the families the alert rules,
/// the Grafana dashboard and <see cref="MetricFamilies"/> name must come out of a real scrape unchanged.
/// </summary>
public sealed class PrometheusNamingTests
{
    public enum Kind { Counter, Gauge, UpDownCounter, Histogram }

    /// <summary>Instrument name, unit and kind as the capabilities create them, and the family Prometheus must see.</summary>
    public static TheoryData<string, string?, Kind, string> Instruments => new()
    {
        { "llm_gateway.requests", "{request}", Kind.Counter, MetricFamilies.Requests },
        { "llm_gateway.request.duration", "s", Kind.Histogram, MetricFamilies.RequestDuration },
        { "llm_gateway.overhead", "s", Kind.Histogram, MetricFamilies.Overhead },
        { "llm_gateway.upstream.duration", "s", Kind.Histogram, MetricFamilies.UpstreamDuration },
        { "llm_gateway.time_to_first_token", "s", Kind.Histogram, MetricFamilies.TimeToFirstToken },
        { "llm_gateway.upstream.errors", "{error}", Kind.Counter, MetricFamilies.UpstreamErrors },
        { "llm_gateway.fallbacks", "{fallback}", Kind.Counter, MetricFamilies.Fallbacks },
        { "llm_gateway.build.info", null, Kind.Gauge, MetricFamilies.BuildInfo },
        { "llm_gateway.config.reloads", "{reload}", Kind.Counter, MetricFamilies.ConfigReloads },
        { "llm_gateway.config.last_reload_success", null, Kind.Gauge, MetricFamilies.ConfigLastReloadSuccess },
        { "llm_gateway.cost", "usd", Kind.Counter, MetricFamilies.CostUsd },
        { "llm_gateway.saved", "usd", Kind.Counter, MetricFamilies.SavedUsd },
        { "llm_gateway.tokens", "{token}", Kind.Counter, MetricFamilies.Tokens },
        { "llm_gateway.budget.spent", "usd", Kind.Gauge, MetricFamilies.BudgetSpent },
        { "llm_gateway.budget.limit", "usd", Kind.Gauge, MetricFamilies.BudgetLimit },
        { "llm_gateway.budget.remaining", "usd", Kind.Gauge, MetricFamilies.BudgetRemaining },
        { "llm_gateway.rejections", "{request}", Kind.Counter, MetricFamilies.Rejections },
        { "llm_gateway.ledger.faulted", null, Kind.Gauge, MetricFamilies.LedgerFaulted },
        { "llm_gateway.ledger.unrecorded", "{record}", Kind.Gauge, MetricFamilies.LedgerUnrecorded },
        { "llm_gateway.ledger.records_lost", "{record}", Kind.Counter, MetricFamilies.LedgerRecordsLost },
        { "llm_gateway.ledger.faults", "{fault}", Kind.Counter, MetricFamilies.LedgerFaults },
        { "llm_gateway.storage.faulted", null, Kind.Gauge, MetricFamilies.StorageFaulted },
        { "llm_gateway.storage.records_lost", "{record}", Kind.Counter, MetricFamilies.StorageRecordsLost },
        { "llm_gateway.cache.lookups", "{lookup}", Kind.Counter, MetricFamilies.CacheLookups },
        { "llm_gateway.cache.entries", "{entry}", Kind.Gauge, MetricFamilies.CacheEntries },
        { "llm_gateway.cache.entries", "{entry}", Kind.UpDownCounter, MetricFamilies.CacheEntries },
        { "llm_gateway.cache.bytes", null, Kind.Gauge, MetricFamilies.CacheBytes },
        { "llm_gateway.cache.evictions", "{entry}", Kind.Counter, MetricFamilies.CacheEvictions },
        { "llm_gateway.cache.faulted", null, Kind.Gauge, MetricFamilies.CacheFaulted },
        { "llm_gateway.cache.faults", "{fault}", Kind.Counter, MetricFamilies.CacheFaults },
        { "llm_gateway.cache.lookups_bypassed", "{lookup}", Kind.Counter, MetricFamilies.CacheLookupsBypassed },
        { "llm_gateway.cache.bypasses", "{request}", Kind.Counter, MetricFamilies.CacheBypasses },
        { "llm_gateway.embedding.duration", "s", Kind.Histogram, MetricFamilies.EmbeddingDuration },
        { "llm_gateway.cache.similarity", null, Kind.Histogram, MetricFamilies.CacheSimilarity },
        { "llm_gateway.cache.bound_verdicts", "{candidate}", Kind.Counter, MetricFamilies.CacheBoundVerdicts },
        { "llm_gateway.cache.bound_hits", "{request}", Kind.Counter, MetricFamilies.CacheBoundHits },
        { "llm_gateway.cache.explorations", "{request}", Kind.Counter, MetricFamilies.CacheExplorations },
        { "llm_gateway.cache.exploration_cost", "usd", Kind.Counter, MetricFamilies.CacheExplorationCostUsd },
        { "llm_gateway.cache.estimated_error_rate", null, Kind.Gauge, MetricFamilies.CacheEstimatedErrorRate },
        { "llm_gateway.cache.judge_calls", "{call}", Kind.Counter, MetricFamilies.CacheJudgeCalls },
        // A unit already in the name is not repeated, nor is _total.
        { "llm_gateway.budget.remaining_usd", "usd", Kind.Gauge, "llm_gateway_budget_remaining_usd" },
        { "llm_gateway.rejections_total", "{request}", Kind.Counter, "llm_gateway_rejections_total" },
        { "llm_gateway..odd//name", "ms", Kind.Histogram, "llm_gateway_odd_name_milliseconds" },
    };

    [Theory]
    [MemberData(nameof(Instruments))]
    public void Instruments_are_exposed_under_the_family_names_the_rules_and_dashboards_use(string instrument, string? unit, Kind kind, string family)
    {
        using var stand = new StandalonePipeline();
        var meter = stand.Factory.Create("LlmGateway.Tests");
        switch (kind)
        {
            case Kind.Counter: meter.CreateCounter<double>(instrument, unit).Add(1); break;
            case Kind.Gauge: meter.CreateObservableGauge(instrument, () => 1.0, unit); break;
            case Kind.UpDownCounter: meter.CreateUpDownCounter<long>(instrument, unit).Add(1); break;
            default: meter.CreateHistogram<double>(instrument, unit).Record(1); break;
        }

        var parsed = PrometheusText.Parse(stand.Scrape());

        Assert.Equal([family], parsed.Families.Keys);
        Assert.Equal(kind switch { Kind.Counter => "counter", Kind.Histogram => "histogram", _ => "gauge" }, parsed.Families[family].Type);
    }

    [Fact]
    public void Every_family_the_rules_and_dashboards_read_is_checked_above()
    {
        var checkedFamilies = Instruments.Select(row => (string)row[3]).ToHashSet();
        var contract = typeof(MetricFamilies).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetRawConstantValue()!);

        Assert.All(contract, family => Assert.Contains(family, checkedFamilies));
    }

    [Theory]
    [InlineData("team", "team")]
    [InlineData("otel.metric.overflow", "otel_metric_overflow")]
    [InlineData("http.status-code", "http_status_code")]
    public void Label_names_are_sanitised(string key, string expected)
    {
        using var stand = new StandalonePipeline();
        stand.Factory.Create("LlmGateway.Tests").CreateCounter<long>("llm_gateway.test.labelled").Add(1, new KeyValuePair<string, object?>(key, "v"));

        var sample = Assert.Single(PrometheusText.Parse(stand.Scrape()).Find("llm_gateway_test_labelled_total"));

        Assert.Equal("v", sample[expected]);
    }
}
