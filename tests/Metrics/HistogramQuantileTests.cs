using LlmGateway.Metrics;

namespace LlmGateway.Tests.Metrics;

public sealed class HistogramQuantileTests
{
    private static readonly double[] Bounds = [0.1, 0.5, 1, double.PositiveInfinity];

    [Theory]
    [InlineData(0.5, 0.4)]   // rank 5 of 10: (0.1, 0.5] holds ranks 3..6 → 0.1 + 0.4 * (5 - 2) / 4
    [InlineData(0.2, 0.1)]   // rank 2: exactly the top of the first bucket
    [InlineData(0.1, 0.05)]  // rank 1 of the first bucket's 2 → half of [0, 0.1]
    [InlineData(0.9, 1.0)]   // rank 9: the (0.5, 1] bucket holds 7..9 → its top
    [InlineData(0.95, 1.0)]  // rank 9.5 falls in +Inf: the highest finite bound
    public void Quantiles_interpolate_inside_the_bucket_like_histogram_quantile(double q, double expected)
    {
        long[] counts = [2, 4, 3, 1];
        Assert.Equal(expected, HistogramQuantile.Estimate(q, Bounds, counts), 9);
    }

    [Fact]
    public void No_observations_give_nan() => Assert.True(double.IsNaN(HistogramQuantile.Estimate(0.5, Bounds, [0, 0, 0, 0])));

    [Fact]
    public void Merging_adds_bucket_counts_of_points_with_the_same_bounds()
    {
        var a = new MetricsSnapshot.HistogramSample(new Dictionary<string, string>(), Bounds, [1, 0, 0, 0]);
        var b = new MetricsSnapshot.HistogramSample(new Dictionary<string, string>(), Bounds, [0, 0, 2, 1]);

        var merged = HistogramQuantile.Merge([a, b], out var bounds);

        Assert.Equal([1L, 0, 2, 1], merged);
        Assert.Equal(Bounds, bounds);
        // rank 2 of 4 is the first of the two in (0.5, 1] → 0.5 + 0.5 * 1 / 2
        Assert.Equal(0.75, HistogramQuantile.Estimate(0.5, bounds, merged), 9);
    }
}
