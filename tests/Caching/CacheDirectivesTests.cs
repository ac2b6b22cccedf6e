using LlmGateway.Caching;
using Microsoft.AspNetCore.Http;

namespace LlmGateway.Tests.Caching;

/// <summary>Per-request cache control read from headers, on its own.</summary>
public sealed class CacheDirectivesTests
{
    private static readonly TimeSpan MaxTtl = TimeSpan.FromHours(24);

    [Theory]
    [InlineData(null, null, true, true)]
    [InlineData("no-store", null, false, false)]
    [InlineData("no-cache", null, false, true)]
    [InlineData("NO-CACHE, max-age=0", null, false, true)]
    [InlineData("no-cache, no-store", null, false, false)]
    [InlineData(null, "true", false, true)]
    [InlineData(null, "TRUE", false, true)]
    [InlineData(null, "false", true, true)]
    [InlineData("max-age=60", null, true, true)]
    public void Cache_control_and_refresh_decide_lookup_and_store(string? cacheControl, string? refresh, bool lookup, bool store)
    {
        IHeaderDictionary headers = new HeaderDictionary();
        if (cacheControl is not null) headers.CacheControl = cacheControl;
        if (refresh is not null) headers[CacheDirectives.RefreshHeader] = refresh;

        var (directives, problem, _) = CacheDirectives.From(headers, MaxTtl);

        Assert.Null(problem);
        Assert.Equal((lookup, store), (directives!.Lookup, directives.Store));
    }

    [Theory]
    [InlineData("60", 60)]
    [InlineData("86400", 86400)]
    [InlineData("999999", 86400)] // longer than the maximum is cut to it, not refused
    public void A_ttl_is_whole_seconds_cut_to_the_maximum(string value, int seconds)
    {
        var (directives, problem, _) = CacheDirectives.From(new HeaderDictionary { [CacheDirectives.TtlHeader] = value }, MaxTtl);

        Assert.Null(problem);
        Assert.Equal(TimeSpan.FromSeconds(seconds), directives!.Ttl);
    }

    [Theory]
    [InlineData(CacheDirectives.TtlHeader, "0")]
    [InlineData(CacheDirectives.TtlHeader, "-5")]
    [InlineData(CacheDirectives.TtlHeader, "1.5")]
    [InlineData(CacheDirectives.TtlHeader, "soon")]
    [InlineData(CacheDirectives.ThresholdHeader, "1.01")]
    [InlineData(CacheDirectives.ThresholdHeader, "-0.1")]
    [InlineData(CacheDirectives.ThresholdHeader, "NaN")]
    [InlineData(CacheDirectives.ThresholdHeader, "Infinity")]
    [InlineData(CacheDirectives.ThresholdHeader, "high")]
    public void A_bad_value_is_a_problem_naming_its_header(string header, string value)
    {
        var (directives, problem, named) = CacheDirectives.From(new HeaderDictionary { [header] = value }, MaxTtl);

        Assert.Null(directives);
        Assert.NotNull(problem);
        Assert.Equal(header, named);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("0.95", 0.95)]
    [InlineData("1", 1)]
    public void A_threshold_between_0_and_1_is_read(string value, double threshold) =>
        Assert.Equal(threshold, CacheDirectives.From(new HeaderDictionary { [CacheDirectives.ThresholdHeader] = value }, MaxTtl).Directives!.MinThreshold);

    [Theory]
    [InlineData("What is the refund policy?", "What is the refund policy?")]
    [InlineData("%E8%BF%94%E9%87%91%E3%83%9D%E3%83%AA%E3%82%B7%E3%83%BC", "返金ポリシー")] // percent-encoded non-ASCII
    [InlineData("", null)]
    public void The_query_header_is_percent_decoded(string value, string? query) =>
        Assert.Equal(query, CacheDirectives.From(new HeaderDictionary { [CacheDirectives.QueryHeader] = value }, MaxTtl).Directives!.QueryOverride);
}
