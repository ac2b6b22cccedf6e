using System.Globalization;
using System.Text;

namespace LlmGateway.Metrics;

/// <summary>
/// One scrape parsed back into samples keyed by family name (<see cref="MetricFamilies"/>), for the built-in dashboard.
/// It reads the exporter's text (format 0.0.4) rather than a second OpenTelemetry reader, which would aggregate every
/// measurement twice; parsing costs only when the page is viewed. Not for the scrape path (it allocates).
/// </summary>
internal sealed class MetricsSnapshot
{
    private readonly Dictionary<string, List<Sample>> _values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HistogramSample>> _histograms = new(StringComparer.Ordinal);

    /// <summary>Counter and gauge samples of family <paramref name="family"/> (empty when absent).</summary>
    public IReadOnlyList<Sample> Values(string family) => _values.TryGetValue(family, out var list) ? list : [];

    public IReadOnlyList<HistogramSample> Histograms(string family) => _histograms.TryGetValue(family, out var list) ? list : [];

    public bool Has(string family) => _values.ContainsKey(family) || _histograms.ContainsKey(family);

    public static MetricsSnapshot Parse(string text)
    {
        var snapshot = new MetricsSnapshot();
        var histogramFamilies = new HashSet<string>(StringComparer.Ordinal);
        // Cumulative buckets of each histogram series, keyed by family and the series' label text before le (written last).
        var buckets = new Dictionary<(string Family, string Series), (Dictionary<string, string> Labels, List<double> Bounds, List<double> Cumulative)>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("# TYPE ") && line.EndsWith(" histogram"))
                histogramFamilies.Add(line["# TYPE ".Length..^" histogram".Length].ToString());
            if (line.IsEmpty || line[0] == '#')
                continue;
            var nameEnd = line.IndexOfAny('{', ' ');
            var name = line[..nameEnd].ToString();
            var labelsEnd = line[nameEnd] == '{' ? line.LastIndexOf('}') : nameEnd - 1;
            var labelText = line[nameEnd] == '{' ? line[(nameEnd + 1)..labelsEnd] : [];
            var valueText = line[(labelsEnd + 1)..].Trim(' ');
            var value = ParseValue(valueText.IndexOf(' ') is var space and >= 0 ? valueText[..space] : valueText);
            var le = labelText.LastIndexOf("le=\"");
            if (le >= 0 && name.EndsWith("_bucket", StringComparison.Ordinal) && histogramFamilies.Contains(name[..^"_bucket".Length]))
            {
                var key = (name[..^"_bucket".Length], labelText[..le].ToString());
                if (!buckets.TryGetValue(key, out var series))
                    buckets[key] = series = (ParseLabels(labelText[..le]), [], []);
                series.Bounds.Add(ParseValue(labelText[(le + "le=\"".Length)..].TrimEnd('"')));
                series.Cumulative.Add(value);
            }
            else if (!IsHistogramTotal(name, histogramFamilies) && !double.IsNaN(value))
                Add(snapshot._values, name, new Sample(ParseLabels(labelText), value));
        }
        foreach (var ((family, _), series) in buckets)
        {
            var counts = new long[series.Cumulative.Count];
            for (var i = 0; i < counts.Length; i++)
                counts[i] = (long)(series.Cumulative[i] - (i == 0 ? 0 : series.Cumulative[i - 1]));
            Add(snapshot._histograms, family, new HistogramSample(series.Labels, [.. series.Bounds], counts));
        }
        return snapshot;
    }

    private static bool IsHistogramTotal(string name, HashSet<string> histogramFamilies) =>
        (name.EndsWith("_sum", StringComparison.Ordinal) && histogramFamilies.Contains(name[..^"_sum".Length]))
        || (name.EndsWith("_count", StringComparison.Ordinal) && histogramFamilies.Contains(name[..^"_count".Length]));

    /// <summary><c>a="x",b="y\"z"</c> (the text between the braces); values unescaped (<c>\\</c>, <c>\"</c>, <c>\n</c>).</summary>
    private static Dictionary<string, string> ParseLabels(ReadOnlySpan<char> text)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var value = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var equals = text[i..].IndexOf('=');
            var key = text.Slice(i, equals).ToString();
            value.Clear();
            for (i += equals + 2; text[i] != '"'; i++)
                value.Append(text[i] != '\\' ? text[i] : text[++i] == 'n' ? '\n' : text[i]);
            labels[key] = value.ToString();
            i += 2; // the closing quote and the comma
        }
        return labels;
    }

    private static double ParseValue(ReadOnlySpan<char> text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

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

    /// <summary>A histogram series: <see cref="Bounds"/> are upper bounds (the last is +Inf), <see cref="Counts"/> are per bucket (not cumulative).</summary>
    public sealed record HistogramSample(IReadOnlyDictionary<string, string> Labels, double[] Bounds, long[] Counts)
    {
        public string Label(string name) => Labels.TryGetValue(name, out var v) ? v : "";
    }
}
