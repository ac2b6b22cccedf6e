using LlmGateway.Metrics.Dashboard;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Metrics;

/// <summary>The dashboard's per-minute history: rates from differences of cumulative points, bounded, on the injected clock.</summary>
public sealed class MetricsHistoryTests
{
    private static readonly double[] Bounds = [0.1, 0.5, double.PositiveInfinity];
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static MetricsHistory.Point At(int seconds, double requests, double errors, double hits, double misses, params long[] counts) =>
        new(Start.AddSeconds(seconds), requests, errors, hits, misses, Bounds, counts);

    [Fact]
    public void Rates_per_interval_come_from_the_differences_of_consecutive_points()
    {
        using var pipeline = new StandalonePipeline();
        var clock = new FakeTimeProvider(Start.AddMinutes(2));
        var history = new MetricsHistory(pipeline.Pipeline, clock);
        history.Add(At(0, 0, 0, 0, 0, 0, 0, 0));
        history.Add(At(60, 60, 6, 10, 10, 60, 0, 0));
        history.Add(At(120, 180, 6, 10, 30, 60, 120, 0));

        var rates = history.Since(TimeSpan.FromHours(1));

        Assert.Equal([1.0, 2.0], rates.Select(r => r.RequestsPerSecond));
        Assert.Equal([0.1, 0.0], rates.Select(r => r.ServerErrorRatio));
        Assert.Equal([0.5, 0.0], rates.Select(r => r.CacheHitRatio));
        Assert.Equal(0.05, rates[0].P50, 9);  // all 60 in the first bucket (0..0.1 s)
        Assert.Equal(0.3, rates[1].P50, 9);   // all 120 in the second (0.1..0.5 s): its middle
        Assert.Equal([Start.AddMinutes(1), Start.AddMinutes(2)], rates.Select(r => r.At));
    }

    [Fact]
    public void An_interval_without_requests_has_no_ratio_rather_than_zero()
    {
        using var pipeline = new StandalonePipeline();
        var history = new MetricsHistory(pipeline.Pipeline, new FakeTimeProvider(Start.AddMinutes(1)));
        history.Add(At(0, 5, 1, 0, 0, 5, 0, 0));
        history.Add(At(60, 5, 1, 0, 0, 5, 0, 0));

        var rate = Assert.Single(history.Since(TimeSpan.FromHours(1)));

        Assert.Equal(0, rate.RequestsPerSecond);
        Assert.True(double.IsNaN(rate.ServerErrorRatio) && double.IsNaN(rate.CacheHitRatio) && double.IsNaN(rate.P95));
    }

    [Fact]
    public void A_point_soon_after_the_last_replaces_it_the_window_is_by_the_clock_and_the_history_is_bounded()
    {
        using var pipeline = new StandalonePipeline();
        var clock = new FakeTimeProvider(Start);
        var history = new MetricsHistory(pipeline.Pipeline, clock);
        history.Add(At(0, 0, 0, 0, 0, 0, 0, 0));
        history.Add(At(60, 10, 0, 0, 0, 10, 0, 0));
        history.Add(At(70, 20, 0, 0, 0, 20, 0, 0)); // 10 s later: replaces the 60 s point
        clock.SetUtcNow(Start.AddSeconds(70));
        Assert.Equal(20 / 70.0, Assert.Single(history.Since(TimeSpan.FromHours(1))).RequestsPerSecond, 12);

        for (var minute = 2; minute < MetricsHistory.Capacity + 10; minute++)
            history.Add(At(minute * 60, minute * 10, 0, 0, 0, minute * 10, 0, 0));
        clock.SetUtcNow(Start.AddMinutes(MetricsHistory.Capacity + 9));

        Assert.Equal(MetricsHistory.Capacity - 1, history.Since(TimeSpan.FromDays(2)).Count);
        Assert.Equal(3, history.Since(TimeSpan.FromSeconds(150)).Count); // intervals ending now, 1 and 2 minutes ago
    }
}
