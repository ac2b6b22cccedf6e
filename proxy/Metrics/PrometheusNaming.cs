using System.Text;
using OpenTelemetry.Metrics;

namespace LlmGateway.Metrics;

/// <summary>
/// How an instrument's name and unit become a Prometheus family name. The rule (other capabilities name
/// their instruments to match it):
/// <list type="number">
/// <item>every character outside <c>[a-zA-Z0-9_:]</c> becomes <c>_</c> (runs collapse to one), so <c>llm_gateway.cache.lookups</c> → <c>llm_gateway_cache_lookups</c>;</item>
/// <item>the prefix <c>llm_gateway_</c> is added when missing;</item>
/// <item>the unit adds a suffix unless the name already ends with it: <c>s</c> → <c>_seconds</c>, <c>ms</c> → <c>_milliseconds</c>,
/// <c>By</c> → <c>_bytes</c>, <c>USD</c> → <c>_usd</c>, <c>%</c> → <c>_percent</c>; <c>1</c> and annotations in braces (<c>{request}</c>) add nothing;
/// any other unit is sanitised and lower-cased;</item>
/// <item>monotonic counters end with <c>_total</c> (added when missing); histograms add <c>_bucket</c>/<c>_sum</c>/<c>_count</c> on their samples.</item>
/// </list>
/// </summary>
internal static class PrometheusNaming
{
    public const string Prefix = "llm_gateway_";

    public static string FamilyName(string instrumentName, string? unit, MetricType type)
    {
        var name = Sanitize(instrumentName);
        if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            name = Prefix + name.TrimStart('_');
        var suffix = UnitSuffix(unit);
        if (suffix.Length > 0 && !name.EndsWith("_" + suffix, StringComparison.Ordinal))
            name += "_" + suffix;
        if (IsCounter(type) && !name.EndsWith("_total", StringComparison.Ordinal))
            name += "_total";
        return name;
    }

    /// <summary>Monotonic sums are Prometheus counters; non-monotonic sums (up-down counters) are gauges.</summary>
    public static bool IsCounter(MetricType type) => type is MetricType.LongSum or MetricType.DoubleSum;

    public static string TypeName(MetricType type) => type switch
    {
        MetricType.LongSum or MetricType.DoubleSum => "counter",
        MetricType.Histogram => "histogram",
        MetricType.LongGauge or MetricType.DoubleGauge or MetricType.LongSumNonMonotonic or MetricType.DoubleSumNonMonotonic => "gauge",
        _ => "untyped",
    };

    public static string UnitSuffix(string? unit) => unit switch
    {
        null or "" or "1" => "",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "By" => "bytes",
        "USD" => "usd",
        "%" => "percent",
        _ when unit.StartsWith('{') && unit.EndsWith('}') => "",
        _ => Sanitize(unit).Trim('_').ToLowerInvariant(),
    };

    /// <summary>Label names: <c>[a-zA-Z_][a-zA-Z0-9_]*</c> (<c>otel.metric.overflow</c> → <c>otel_metric_overflow</c>).</summary>
    public static string LabelName(string key)
    {
        var name = Sanitize(key).Replace(":", "_", StringComparison.Ordinal);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
            name = "_" + name;
        return name;
    }

    private static string Sanitize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '_' or ':';
            var mapped = ok ? c : '_';
            if (mapped == '_' && sb.Length > 0 && sb[^1] == '_')
                continue;
            sb.Append(mapped);
        }
        if (sb.Length > 0 && char.IsAsciiDigit(sb[0]))
            sb.Insert(0, '_');
        return sb.ToString();
    }
}
