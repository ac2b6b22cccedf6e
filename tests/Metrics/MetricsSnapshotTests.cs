using System.Diagnostics.Metrics;
using LlmGateway.Metrics;

namespace LlmGateway.Tests.Metrics;

/// <summary>The dashboard's snapshot: the exporter's own scrape, parsed back into samples and per-bucket counts.</summary>
public sealed class MetricsSnapshotTests
{
    [Fact]
    public async Task A_scrape_parses_back_into_values_labels_and_per_bucket_counts()
    {
        using var stand = new StandalonePipeline();
        var meter = stand.Factory.Create("LlmGateway.Tests");
        const string awkward = "ops \"night\" \\ shift\né";
        var requests = meter.CreateCounter<long>("llm_gateway.requests", "{request}");
        requests.Add(3, new("team", awkward), new("model", "m"));
        requests.Add(4, new("team", "plain"), new("model", "m"));
        meter.CreateObservableGauge("llm_gateway.budget.limit", () => new Measurement<double>(0.5, new KeyValuePair<string, object?>("team", "plain")), "usd");
        // Advice gives the buckets (llm_gateway.request.duration would get the project's own).
        var duration = meter.CreateHistogram<double>("llm_gateway.test.duration", "s", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2] });
        foreach (var v in new[] { 0.5, 1, 1.5, 3 })
            duration.Record(v, new KeyValuePair<string, object?>("model", "m"));
        duration.Record(9, new KeyValuePair<string, object?>("model", "other"));
        meter.CreateHistogram<double>("llm_gateway.bare", null, advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10] }).Record(3);

        var snapshot = MetricsSnapshot.Parse(await stand.Pipeline.ScrapeTextAsync(CancellationToken.None));

        var counts = snapshot.Values(MetricFamilies.Requests);
        Assert.Equal(3, Assert.Single(counts, s => s.Label("team") == awkward).Value);
        Assert.Equal(4, Assert.Single(counts, s => s.Label("team") == "plain").Value);
        Assert.Equal(0.5, Assert.Single(snapshot.Values(MetricFamilies.BudgetLimit)).Value);
        var m = Assert.Single(snapshot.Histograms("llm_gateway_test_duration_seconds"), h => h.Label("model") == "m");
        Assert.Equal([1, 2, double.PositiveInfinity], m.Bounds);
        Assert.Equal([2L, 1, 1], m.Counts);
        Assert.Equal([0L, 0, 1], Assert.Single(snapshot.Histograms("llm_gateway_test_duration_seconds"), h => h.Label("model") == "other").Counts);
        Assert.Equal([1L, 0], Assert.Single(snapshot.Histograms("llm_gateway_bare")).Counts);
        // Histogram totals are not separate values.
        Assert.False(snapshot.Has("llm_gateway_test_duration_seconds_sum"));
        Assert.False(snapshot.Has("llm_gateway_test_duration_seconds_count"));
        Assert.False(snapshot.Has(MetricFamilies.Tokens));
    }
}
