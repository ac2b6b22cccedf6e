using LlmGateway.Budgets.Pricing;
using LlmGateway.Capture;

namespace LlmGateway.Tests.Budgets;

public sealed class PriceMathTests
{
    private static readonly ModelPrice Mini = new("gpt-4o-mini", 0.15m, 0.075m, 0.60m, 0m, null);

    [Fact]
    public void Cost_prices_uncached_cached_and_completion_tokens_at_their_rates()
    {
        // 1000 prompt of which 400 cached, 500 completion: 600*0.15 + 400*0.075 + 500*0.60 = 90 + 30 + 300 = 420 per 1M.
        Assert.Equal(0.00042m, Mini.Cost(new TokenUsage(1000, 400, 500, false)));
    }

    [Fact]
    public void A_million_tiny_requests_sum_exactly_with_no_drift()
    {
        decimal total = 0;
        double floating = 0;
        for (var i = 0; i < 1_000_000; i++)
        {
            var cost = Mini.Cost(7, 0, 3);
            total += cost;
            floating += (double)cost;
        }
        // Each costs (7*0.15 + 3*0.60)/1M = 2.85e-6 USD exactly.
        Assert.Equal(2.85m, total);
        Assert.NotEqual(2.85, floating); // what float accumulation would have reported
    }

    [Fact]
    public void The_per_request_fee_is_added_once_and_cached_tokens_never_exceed_the_prompt()
    {
        var withFee = Mini with { PerRequest = 0.001m };
        Assert.Equal(0.001m + 0.15m / 1_000_000m * 0 + 0.075m * 10 / 1_000_000m, withFee.Cost(10, 25, 0));
    }

    [Fact]
    public void Max_takes_the_higher_rate_of_each_kind()
    {
        var other = new ModelPrice("other", 1m, 0.01m, 0.5m, 0.002m, 100);
        var max = Mini.Max(other);
        Assert.Equal((1m, 0.075m, 0.60m, 0.002m), (max.InputPer1M, max.CachedInputPer1M, max.OutputPer1M, max.PerRequest));
    }
}
