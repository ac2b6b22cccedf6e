using System.Diagnostics.Metrics;
using LlmGateway.Metrics;

namespace LlmGateway.Tests.Metrics;

public sealed class ExpositionFormatTests
{
    [Fact]
    public async Task Counters_gauges_and_histograms_render_as_valid_text_format_that_parses_back_and_passes_promtool()
    {
        using var stand = new StandalonePipeline();
        var meter = stand.Factory.Create("LlmGateway.Tests");
        var things = meter.CreateCounter<long>("llm_gateway.test.things", "{thing}", "Things made.\nSecond line with a \\ backslash.");
        var cost = meter.CreateCounter<double>("llm_gateway.test.cost", "usd", "Money.");
        var queue = meter.CreateUpDownCounter<long>("llm_gateway.test.queue", "{item}", "Items waiting.");
        var latency = meter.CreateHistogram<double>("llm_gateway.test.latency", "s", "Latency.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5] });
        var bare = meter.CreateHistogram<double>("llm_gateway.widgets.size", "By", "Sizes without labels.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [10] });
        meter.CreateObservableGauge("llm_gateway.test.temperature", () => 21.5, "Cel", "A gauge.");

        const string awkward = "a\"b\\c\nd é";
        things.Add(3, new KeyValuePair<string, object?>("team", awkward));
        things.Add(4, new KeyValuePair<string, object?>("team", "plain"));
        cost.Add(0.25, new KeyValuePair<string, object?>("team", "plain"));
        cost.Add(0.5, new KeyValuePair<string, object?>("team", "plain"));
        queue.Add(5);
        queue.Add(-7);
        foreach (var v in new[] { 0.5, 1, 1.5, 3, 7, 100 })
            latency.Record(v, new KeyValuePair<string, object?>("model", "m"), new KeyValuePair<string, object?>("otel.scope", "x"));
        bare.Record(3);
        bare.Record(30);

        var text = stand.Scrape();
        var parsed = PrometheusText.Parse(text);

        var counter = parsed.Families["llm_gateway_test_things_total"];
        Assert.Equal("counter", counter.Type);
        Assert.Equal(@"Things made.\nSecond line with a \\ backslash.", counter.Help);
        Assert.Equal(3, Assert.Single(parsed.Find("llm_gateway_test_things_total", ("team", awkward))).Value);
        Assert.Equal(4, Assert.Single(parsed.Find("llm_gateway_test_things_total", ("team", "plain"))).Value);
        Assert.Contains(@"team=""a\""b\\c\nd é""", text);

        Assert.Equal("counter", parsed.Families["llm_gateway_test_cost_usd_total"].Type);
        Assert.Equal(0.75, parsed.Sum("llm_gateway_test_cost_usd_total"), 10);
        Assert.Equal("gauge", parsed.Families["llm_gateway_test_queue"].Type);
        Assert.Equal(-2, parsed.Sum("llm_gateway_test_queue"));
        // UCUM units become words, as the OpenTelemetry-to-Prometheus rules say (Cel → celsius, By → bytes).
        Assert.Equal("gauge", parsed.Families["llm_gateway_test_temperature_celsius"].Type);
        Assert.Equal(21.5, parsed.Sum("llm_gateway_test_temperature_celsius"));

        var histogram = parsed.Families["llm_gateway_test_latency_seconds"];
        Assert.Equal("histogram", histogram.Type);
        var buckets = parsed.Find("llm_gateway_test_latency_seconds_bucket", ("model", "m"), ("otel_scope", "x")).ToList();
        Assert.Equal(["1", "2", "5", "+Inf"], buckets.Select(b => b["le"]));
        // Upper bounds are inclusive (1 lands in le="1") and counts are cumulative.
        Assert.Equal([2.0, 3, 4, 6], buckets.Select(b => b.Value));
        Assert.Equal(113, parsed.Sum("llm_gateway_test_latency_seconds_sum"), 10);
        Assert.Equal(6, parsed.Sum("llm_gateway_test_latency_seconds_count"));

        // No labels: the bucket carries only le, sum and count carry none (the library writes them as an empty {}).
        Assert.Equal([("10", 1.0), ("+Inf", 2.0)], parsed.Find("llm_gateway_widgets_size_bytes_bucket").Select(b => (b.Labels["le"], b.Value)));
        Assert.All(parsed.Find("llm_gateway_widgets_size_bytes_bucket"), b => Assert.Equal(["le"], b.Labels.Keys));
        Assert.Empty(Assert.Single(parsed.Find("llm_gateway_widgets_size_bytes_sum")).Labels);
        Assert.Equal(33, parsed.Sum("llm_gateway_widgets_size_bytes_sum"));
        Assert.Equal(2, parsed.Sum("llm_gateway_widgets_size_bytes_count"));

        var promtool = ExternalTool.Require("promtool", "prometheus");
        var check = await ExternalTool.RunAsync(promtool, ["check", "metrics"], stdin: text);
        Assert.True(check.ExitCode == 0, "promtool check metrics failed:\n" + check.All + "\n" + text);
    }

    [Fact]
    public void Each_family_has_one_help_and_type_and_every_histogram_ends_with_inf_equal_to_count()
    {
        using var stand = new StandalonePipeline();
        var meter = stand.Factory.Create("LlmGateway.Tests");
        var histogram = meter.CreateHistogram<double>("llm_gateway.test.duration", "s");
        var random = new Random(7);
        for (var i = 0; i < 2000; i++)
            histogram.Record(random.NextDouble() * 200, new KeyValuePair<string, object?>("model", "m" + (i % 5)));

        var parsed = PrometheusText.Parse(stand.Scrape());

        foreach (var model in Enumerable.Range(0, 5).Select(i => "m" + i))
        {
            var buckets = parsed.Find("llm_gateway_test_duration_seconds_bucket", ("model", model)).ToList();
            // A unit of seconds without advice gets the default seconds buckets (1 ms ... 120 s).
            Assert.Equal(MetricBuckets.DefaultSeconds.Length + 1, buckets.Count);
            Assert.Equal("+Inf", buckets[^1]["le"]);
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(PrometheusText.ParseValue(buckets[i]["le"]) > PrometheusText.ParseValue(buckets[i - 1]["le"]));
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, "buckets must be cumulative");
            }
            Assert.Equal(400, buckets[^1].Value);
            Assert.Equal(400, parsed.Sum("llm_gateway_test_duration_seconds_count", ("model", model)));
        }
    }

    [Fact]
    public void Only_llm_gateway_meters_of_this_hosts_factory_are_exported()
    {
        using var stand = new StandalonePipeline();
        using var foreign = new Meter("LlmGateway.Foreign");
        foreign.CreateCounter<long>("llm_gateway.foreign").Add(1);
        stand.Factory.Create("Other.Library").CreateCounter<long>("llm_gateway.other_library").Add(1);
        stand.Factory.Create("LlmGateway.Mine").CreateCounter<long>("llm_gateway.mine").Add(1);

        var text = stand.Scrape();

        Assert.Equal(1, PrometheusText.Parse(text).Sum("llm_gateway_mine_total"));
        Assert.DoesNotContain("foreign", text);
        Assert.DoesNotContain("other_library", text);
    }

    [Fact]
    public void An_idle_pipeline_renders_nothing_rather_than_empty_families()
    {
        using var stand = new StandalonePipeline();
        stand.Factory.Create("LlmGateway.Tests").CreateCounter<long>("llm_gateway.never_used");

        Assert.DoesNotContain("never_used", stand.Scrape());
    }
}
