using LlmGateway.Metrics.Dashboard;

namespace LlmGateway.Tests.Metrics;

/// <summary>Numbers on the dashboard: precision by magnitude, so small spend is never shown as zero.</summary>
public sealed class DashboardFormatTests
{
    [Theory]
    [InlineData(0.0, "$0.00")]
    [InlineData(0.000028, "$0.000028")]
    [InlineData(0.0425, "$0.0425")]
    [InlineData(0.5, "$0.50")]
    [InlineData(4.25, "$4.25")]
    [InlineData(1234.5, "$1,234.50")]
    [InlineData(-0.0003, "-$0.0003")]
    public void Dollars_keep_three_significant_digits_below_a_dollar(double usd, string expected) =>
        Assert.Equal(expected, DashboardPage.Usd(usd));

    [Theory]
    [InlineData(0.85, "85 %")]
    [InlineData(1.25, "125 %")]
    [InlineData(0.0, "0 %")]
    [InlineData(0.0000025, "0.00025 %")]
    [InlineData(0.004, "0.4 %")]
    public void Small_shares_of_a_budget_are_not_rounded_to_zero(double ratio, string expected) =>
        Assert.Equal(expected, DashboardPage.Percent(ratio));

    [Theory]
    [InlineData(950, "950 tokens")]
    [InlineData(12_345, "12.3k tokens")]
    [InlineData(4_560_000, "4.56M tokens")]
    public void Tokens_read_at_a_glance(long tokens, string expected) => Assert.Equal(expected, DashboardPage.Tokens(tokens));

    [Theory]
    [InlineData(0.8, 0.2, 0.8)]
    [InlineData(0.000028, 0.00001, 0.00003)]
    [InlineData(0, 0.25, 1)]
    [InlineData(97, 50, 100)]
    public void The_axis_has_round_ticks_above_the_highest_value(double max, double step, double top)
    {
        var (s, t) = SvgChart.NiceScale(max);
        Assert.Equal(step, s, 12);
        Assert.Equal(top, t, 12);
    }
}
