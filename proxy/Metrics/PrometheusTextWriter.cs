using System.Buffers;
using System.Globalization;
using System.Text;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// Renders collected OpenTelemetry metrics in the Prometheus text exposition format 0.0.4: one <c># HELP</c> and
/// <c># TYPE</c> per family, counters as <c>_total</c>, histograms as cumulative <c>_bucket{le}</c> (ending with
/// <c>+Inf</c>), <c>_sum</c> and <c>_count</c>, label values escaped. Not thread-safe: <see cref="MetricsPipeline"/>
/// calls it under its collection lock; names are cached per metric stream across scrapes.
/// </summary>
internal sealed class PrometheusTextWriter(ILogger logger)
{
    private readonly Dictionary<Metric, Family> _families = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, byte[]> _labelNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Metric>> _groups = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly HashSet<string> _reportedConflicts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, byte[]> _labelValues = new(StringComparer.Ordinal);
    private readonly ArrayBufferWriter<byte> _labels = new(512);
    private const int MaxCachedLabelValues = 100_000;

    public void Write(IReadOnlyList<Metric> metrics, IBufferWriter<byte> output)
    {
        foreach (var group in _groups.Values)
            group.Clear();
        _order.Clear();
        foreach (var metric in metrics)
        {
            var family = FamilyOf(metric);
            if (family is null)
                continue;
            if (!_groups.TryGetValue(family.Name, out var group))
                _groups[family.Name] = group = [];
            if (group.Count == 0)
                _order.Add(family.Name);
            else if (_families[group[0]].Type != family.Type)
            {
                if (_reportedConflicts.Add(metric.Name))
                    MetricsLog.FamilyConflict(logger, metric.Name, family.Name);
                continue;
            }
            group.Add(metric);
        }
        foreach (var name in _order)
        {
            var group = _groups[name];
            if (!HasPoints(group))
                continue;
            output.Write(_families[group[0]].Header);
            foreach (var metric in group)
                WriteMetric(metric, _families[metric], output);
        }
    }

    private static bool HasPoints(List<Metric> group)
    {
        foreach (var metric in group)
        {
            foreach (ref readonly var _ in metric.GetMetricPoints())
                return true;
        }
        return false;
    }

    private Family? FamilyOf(Metric metric)
    {
        if (_families.TryGetValue(metric, out var family))
            return family;
        var type = PrometheusNaming.TypeName(metric.MetricType);
        if (type == "untyped")
            return null;
        var name = PrometheusNaming.FamilyName(metric.Name, metric.Unit, metric.MetricType);
        var help = string.IsNullOrWhiteSpace(metric.Description) ? metric.Name : metric.Description;
        var header = $"# HELP {name} {EscapeHelp(help)}\n# TYPE {name} {type}\n";
        family = new Family(name, type, Encoding.UTF8.GetBytes(header), Encoding.UTF8.GetBytes(name),
            Encoding.UTF8.GetBytes(name + "_bucket"), Encoding.UTF8.GetBytes(name + "_sum"), Encoding.UTF8.GetBytes(name + "_count"));
        _families[metric] = family;
        return family;
    }

    private void WriteMetric(Metric metric, Family family, IBufferWriter<byte> output)
    {
        var type = metric.MetricType;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            _labels.ResetWrittenCount();
            foreach (var tag in point.Tags)
            {
                _labels.Write(_labels.WrittenCount == 0 ? "{"u8 : ","u8);
                _labels.Write(LabelName(tag.Key));
                _labels.Write("=\""u8);
                _labels.Write(EscapedLabelValue(LabelValue(tag.Value)));
                _labels.Write("\""u8);
            }
            var labels = _labels.WrittenSpan;
            if (type == MetricType.Histogram)
            {
                WriteHistogram(point, family, labels, output);
                continue;
            }
            output.Write(family.NameBytes);
            if (labels.Length > 0)
            {
                output.Write(labels);
                output.Write("}"u8);
            }
            output.Write(" "u8);
            switch (type)
            {
                case MetricType.LongSum or MetricType.LongSumNonMonotonic:
                    WriteNumber(output, point.GetSumLong());
                    break;
                case MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic:
                    WriteNumber(output, point.GetSumDouble());
                    break;
                case MetricType.LongGauge:
                    WriteNumber(output, point.GetGaugeLastValueLong());
                    break;
                default:
                    WriteNumber(output, point.GetGaugeLastValueDouble());
                    break;
            }
            output.Write("\n"u8);
        }
    }

    private static void WriteHistogram(in MetricPoint point, Family family, ReadOnlySpan<byte> labels, IBufferWriter<byte> output)
    {
        long cumulative = 0;
        var i = 0;
        foreach (var bucket in point.GetHistogramBuckets())
        {
            cumulative += bucket.BucketCount;
            output.Write(family.BucketBytes);
            output.Write(labels);
            output.Write(family.LeLabel(i++, bucket.ExplicitBound, labels.Length > 0));
            WriteNumber(output, cumulative);
            output.Write("\n"u8);
        }
        output.Write(family.SumBytes);
        WriteClosedLabels(output, labels);
        WriteNumber(output, point.GetHistogramSum());
        output.Write("\n"u8);
        output.Write(family.CountBytes);
        WriteClosedLabels(output, labels);
        WriteNumber(output, point.GetHistogramCount());
        output.Write("\n"u8);
    }

    private static void WriteClosedLabels(IBufferWriter<byte> output, ReadOnlySpan<byte> labels)
    {
        if (labels.Length > 0)
        {
            output.Write(labels);
            output.Write("} "u8);
        }
        else
            output.Write(" "u8);
    }

    private byte[] LabelName(string key)
    {
        if (!_labelNames.TryGetValue(key, out var bytes))
            _labelNames[key] = bytes = Encoding.UTF8.GetBytes(PrometheusNaming.LabelName(key));
        return bytes;
    }

    /// <summary>Escaped UTF-8 of a label value, cached: values are bounded by the cardinality limit, the cache by a cap.</summary>
    private byte[] EscapedLabelValue(string value)
    {
        if (_labelValues.TryGetValue(value, out var bytes))
            return bytes;
        if (_labelValues.Count >= MaxCachedLabelValues)
            _labelValues.Clear();
        var writer = new ArrayBufferWriter<byte>(value.Length + 8);
        WriteEscaped(writer, value);
        return _labelValues[value] = writer.WrittenSpan.ToArray();
    }

    private static string LabelValue(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Label value escaping of format 0.0.4: backslash, double quote and line feed.</summary>
    internal static void WriteEscaped(IBufferWriter<byte> output, string value)
    {
        if (value.AsSpan().IndexOfAny('\\', '"', '\n') < 0)
        {
            WriteUtf8(output, value);
            return;
        }
        var sb = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': sb.Append(@"\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append(@"\n"); break;
                default: sb.Append(c); break;
            }
        }
        WriteUtf8(output, sb.ToString());
    }

    private static string EscapeHelp(string help) => help.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("\n", @"\n", StringComparison.Ordinal);

    private static void WriteUtf8(IBufferWriter<byte> output, string value)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(value.Length));
        output.Advance(Encoding.UTF8.GetBytes(value, span));
    }

    internal static void WriteNumber(IBufferWriter<byte> output, double value)
    {
        if (double.IsPositiveInfinity(value))
            output.Write("+Inf"u8);
        else if (double.IsNegativeInfinity(value))
            output.Write("-Inf"u8);
        else if (double.IsNaN(value))
            output.Write("NaN"u8);
        else
        {
            var span = output.GetSpan(32);
            value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
            output.Advance(written);
        }
    }

    internal static void WriteNumber(IBufferWriter<byte> output, long value)
    {
        var span = output.GetSpan(24);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        output.Advance(written);
    }

    private sealed record Family(string Name, string Type, byte[] Header, byte[] NameBytes, byte[] BucketBytes, byte[] SumBytes, byte[] CountBytes)
    {
        // The bounds of a metric stream never change: format each le="..." once (after other labels, and alone).
        private readonly List<(double Bound, byte[] After, byte[] Alone)> _le = [];

        public byte[] LeLabel(int index, double bound, bool afterOtherLabels)
        {
            if (index >= _le.Count || !_le[index].Bound.Equals(bound))
            {
                var writer = new ArrayBufferWriter<byte>(32);
                WriteNumber(writer, bound);
                var text = Encoding.UTF8.GetString(writer.WrittenSpan);
                var entry = (bound, Encoding.UTF8.GetBytes($",le=\"{text}\"}} "), Encoding.UTF8.GetBytes($"{{le=\"{text}\"}} "));
                if (index < _le.Count)
                    _le[index] = entry;
                else
                    _le.Add(entry);
            }
            return afterOtherLabels ? _le[index].After : _le[index].Alone;
        }
    }
}
