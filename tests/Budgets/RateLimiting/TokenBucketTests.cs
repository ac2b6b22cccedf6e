using LlmGateway.Budgets.RateLimiting;

namespace LlmGateway.Tests.Budgets.RateLimiting;

/// <summary>The token bucket on its own, on explicit timestamps (frequency 1000: one tick = 1 ms).</summary>
public sealed class TokenBucketTests
{
    private const long Frequency = 1000;

    [Theory]
    [InlineData(60, 1, true, 59)]
    [InlineData(60, 60, true, 0)]
    [InlineData(60, 61, true, 0)]   // more than the capacity passes on a full bucket (at most the capacity is needed) and leaves a debt
    [InlineData(10, 0, true, 10)]
    public void A_full_bucket_gives_what_is_asked(double capacity, double amount, bool taken, double remaining)
    {
        var result = new TokenBucket().TryTake(capacity, amount, 0, Frequency);

        Assert.Equal((taken, remaining), (result.Taken, result.Remaining));
    }

    [Theory]
    [InlineData(0, false, 1.0)]       // empty: 1 token a second at 60/min, so one token in 1 s
    [InlineData(500, false, 0.5)]     // half a token refilled
    [InlineData(1000, true, 0)]       // one token refilled
    public void An_empty_bucket_refills_at_capacity_per_minute(long afterMs, bool taken, double retryAfterSeconds)
    {
        var bucket = new TokenBucket();
        Assert.True(bucket.TryTake(60, 60, 0, Frequency).Taken);

        var result = bucket.TryTake(60, 1, afterMs, Frequency);

        Assert.Equal(taken, result.Taken);
        Assert.Equal(retryAfterSeconds, result.RetryAfter.TotalSeconds, 6);
    }

    [Theory]
    [InlineData(-30, 30_000, false)] // a settled request used 30 more: the debt is paid back first
    [InlineData(-30, 31_000, true)]
    [InlineData(30, 0, true)]        // 30 given back: available at once
    public void Adjusting_after_the_fact_moves_what_is_available(double adjustment, long afterMs, bool taken)
    {
        var bucket = new TokenBucket();
        Assert.True(bucket.TryTake(60, 60, 0, Frequency).Taken);

        bucket.Adjust(adjustment, 60);

        Assert.Equal(taken, bucket.TryTake(60, 1, afterMs, Frequency).Taken);
    }

    [Fact]
    public void The_bucket_never_holds_more_than_its_capacity()
    {
        var bucket = new TokenBucket();
        bucket.TryTake(60, 0, 0, Frequency);
        bucket.Adjust(1000, 60);

        var result = bucket.TryTake(60, 0, 10 * 60 * Frequency, Frequency);

        Assert.Equal(60, result.Remaining);
        Assert.Equal(TimeSpan.Zero, result.UntilFull);
    }

    [Fact]
    public void A_timestamp_older_than_the_last_one_refills_nothing()
    {
        var bucket = new TokenBucket();
        Assert.True(bucket.TryTake(60, 60, 5_000, Frequency).Taken);

        Assert.False(bucket.TryTake(60, 1, 1_000, Frequency).Taken);
    }
}
