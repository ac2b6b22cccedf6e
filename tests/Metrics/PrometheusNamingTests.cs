using LlmGateway.Metrics;
using OpenTelemetry.Metrics;

namespace LlmGateway.Tests.Metrics;

public sealed class PrometheusNamingTests
{
    [Theory]
    [InlineData("llm_gateway.requests", "{request}", MetricType.LongSum, "llm_gateway_requests_total")]
    [InlineData("llm_gateway.request.duration", "s", MetricType.Histogram, "llm_gateway_request_duration_seconds")]
    [InlineData("llm_gateway.cost", "USD", MetricType.DoubleSum, "llm_gateway_cost_usd_total")]
    [InlineData("llm_gateway.saved", "USD", MetricType.DoubleSum, "llm_gateway_saved_usd_total")]
    [InlineData("llm_gateway.tokens", "{token}", MetricType.LongSum, "llm_gateway_tokens_total")]
    [InlineData("llm_gateway.budget.spent", "USD", MetricType.DoubleGauge, "llm_gateway_budget_spent_usd")]
    [InlineData("llm_gateway.budget.remaining_usd", "USD", MetricType.DoubleGauge, "llm_gateway_budget_remaining_usd")]
    [InlineData("llm_gateway.cache.entries", "{entry}", MetricType.LongSumNonMonotonic, "llm_gateway_cache_entries")]
    [InlineData("llm_gateway.cache.bytes", "By", MetricType.LongSumNonMonotonic, "llm_gateway_cache_bytes")]
    [InlineData("llm_gateway.cache.evictions", "{entry}", MetricType.LongSum, "llm_gateway_cache_evictions_total")]
    [InlineData("llm_gateway.cache.similarity", "1", MetricType.Histogram, "llm_gateway_cache_similarity")]
    [InlineData("llm_gateway.embedding.duration", "s", MetricType.Histogram, "llm_gateway_embedding_duration_seconds")]
    [InlineData("llm_gateway.rejections_total", "{request}", MetricType.LongSum, "llm_gateway_rejections_total")]
    [InlineData("queue-depth", null, MetricType.LongGauge, "llm_gateway_queue_depth")]
    [InlineData("llm_gateway..odd//name", "ms", MetricType.Histogram, "llm_gateway_odd_name_milliseconds")]
    public void Instrument_names_map_to_prefixed_snake_case_families_with_unit_and_total(string instrument, string? unit, MetricType type, string expected) =>
        Assert.Equal(expected, PrometheusNaming.FamilyName(instrument, unit, type));

    [Theory]
    [InlineData("team", "team")]
    [InlineData("otel.metric.overflow", "otel_metric_overflow")]
    [InlineData("http.status-code", "http_status_code")]
    [InlineData("9lives", "_9lives")]
    public void Label_names_are_sanitised(string key, string expected) => Assert.Equal(expected, PrometheusNaming.LabelName(key));
}
