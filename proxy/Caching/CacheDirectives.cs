using System.Globalization;
using Microsoft.Net.Http.Headers;

namespace LlmGateway.Caching;

/// <summary>
/// Per-request cache control from headers: <c>Cache-Control: no-cache</c> (skip lookup, still store),
/// <c>no-store</c> (neither), <c>x-cache-refresh: true</c> (same as no-cache: replace the stored answer),
/// <c>x-cache-ttl</c> (seconds), <c>x-cache-threshold</c> (only stricter than the team's),
/// <c>x-cache-query</c> (the question to match on, for RAG apps; see <see cref="CacheKeyBuilder"/> for what else must match).
/// </summary>
internal sealed record CacheDirectives(bool Lookup, bool Store, TimeSpan? Ttl, double? MinThreshold, string? QueryOverride)
{
    public const string TtlHeader = "x-cache-ttl";
    public const string ThresholdHeader = "x-cache-threshold";
    public const string RefreshHeader = "x-cache-refresh";
    public const string QueryHeader = "x-cache-query";

    /// <summary>Reads the directives, or returns the problem with a header (→ 400).</summary>
    public static (CacheDirectives? Directives, string? Problem, string? Header) From(IHeaderDictionary headers, TimeSpan maxTtl)
    {
        var cacheControl = headers.CacheControl.ToString();
        var noStore = cacheControl.Contains("no-store", StringComparison.OrdinalIgnoreCase);
        var noCache = cacheControl.Contains("no-cache", StringComparison.OrdinalIgnoreCase)
            || string.Equals(headers[RefreshHeader].ToString(), "true", StringComparison.OrdinalIgnoreCase);

        TimeSpan? ttl = null;
        if (headers.TryGetValue(TtlHeader, out var ttlValue))
        {
            if (!long.TryParse(ttlValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
                return (null, $"'{TtlHeader}' must be a positive whole number of seconds (longer than {maxTtl.TotalSeconds:0} s is cut to that).", TtlHeader);
            // Longer than the configured maximum is cut to it (documented), not refused.
            ttl = TimeSpan.FromSeconds(Math.Min(seconds, maxTtl.TotalSeconds));
        }

        double? threshold = null;
        if (headers.TryGetValue(ThresholdHeader, out var thresholdValue))
        {
            if (!double.TryParse(thresholdValue.ToString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) || !double.IsFinite(t) || t is < 0 or > 1)
                return (null, $"'{ThresholdHeader}' must be a number between 0 and 1.", ThresholdHeader);
            threshold = t;
        }

        // Header values are ASCII: clients percent-encode other text (e.g. Japanese).
        var query = Uri.UnescapeDataString(headers[QueryHeader].ToString());
        return (new CacheDirectives(!noStore && !noCache, !noStore, ttl, threshold, query.Length > 0 ? query : null), null, null);
    }
}
