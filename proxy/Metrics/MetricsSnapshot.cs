using System.Globalization;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// A copy of one collection, keyed by Prometheus family name (see <see cref="PrometheusNaming"/>), for readers that
/// need structure rather than text: the built-in dashboard and tests. Not for the scrape path (it allocates).
/// </summary>
internal sealed class MetricsSnapshot
{
    private readonly Dictionary<string, List<Sample>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistogramSample>> _histograms = new(StringComparer.Ordinal);

    /// <summary>Counter, gauge and up-down counter samples of family <paramref name="family"/> (empty when absent).</summary>
    public IReadOnlyList<Sample> Values(string family) => _values.TryGetValue(family, out var list) ? list : [];

    public IReadOnlyList<HistogramSample> Histograms(string family) => _histograms.TryGetValue(family, out var list) ? list : [];

    public bool Has(string family) => _values.ContainsKey(family) || _histograms.ContainsKey(family);

    public IEnumerable<string> Families => _values.Keys.Concat(_histograms.Keys);

    public static MetricsSnapshot From(IReadOnlyList<Metric> metrics)
    {
        var snapshot = new MetricsSnapshot();
        foreach (var metric in metrics)
        {
            var family = PrometheusNaming.FamilyName(metric.Name, metric.Unit, metric.MetricType);
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                var labels = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var tag in point.Tags)
                    labels[PrometheusNaming.LabelName(tag.Key)] = Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "";
                if (metric.MetricType == MetricType.Histogram)
                {
                    var bounds = new List<double>();
                    var counts = new List<long>();
                    foreach (var bucket in point.GetHistogramBuckets())
                    {
                        bounds.Add(bucket.ExplicitBound);
                        counts.Add(bucket.BucketCount);
                    }
                    Add(snapshot._histograms, family, new HistogramSample(labels, [.. bounds], [.. counts], point.GetHistogramSum(), point.GetHistogramCount()));
                    continue;
                }
                var value = metric.MetricType switch
                {
                    MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong(),
                    MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble(),
                    MetricType.LongGauge => point.GetGaugeLastValueLong(),
                    MetricType.DoubleGauge => point.GetGaugeLastValueDouble(),
                    _ => double.NaN,
                };
                if (!double.IsNaN(value))
                    Add(snapshot._values, family, new Sample(labels, value));
            }
        }
        return snapshot;
    }

    private static void Add<T>(Dictionary<string, List<T>> map, string family, T sample)
    {
        if (!map.TryGetValue(family, out var list))
            map[family] = list = [];
        list.Add(sample);
    }

    public sealed record Sample(IReadOnlyDictionary<string, string> Labels, double Value)
    {
        public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
    }

    /// <summary>A histogram point: <see cref="Bounds"/> are upper bounds (the last is +Inf), <see cref="Counts"/> are per bucket (not cumulative).</summary>
    public sealed record HistogramSample(IReadOnlyDictionary<string, string> Labels, double[] Bounds, long[] Counts, double Sum, long Count)
    {
        public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
    }
}
