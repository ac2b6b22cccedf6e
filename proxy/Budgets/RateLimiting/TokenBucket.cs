namespace LlmGateway.Budgets.RateLimiting;

/// <summary>
/// A token bucket refilled continuously at capacity per minute. It may go into debt when a settled request used
/// more tokens than it took at admission; the debt is paid back by the refill before anything else passes.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _lock = new();
    private double _tokens = double.NaN;
    private long _updated;

    /// <summary>Takes <paramref name="amount"/> (at most the capacity) if available. Returns what is left and how long until it would fit / until the bucket is full.</summary>
    public BucketResult TryTake(double capacity, double amount, long timestamp, long frequency)
    {
        var perSecond = capacity / 60.0;
        lock (_lock)
        {
            Refill(capacity, perSecond, timestamp, frequency);
            var need = Math.Min(amount, capacity);
            if (_tokens >= need)
            {
                _tokens -= amount;
                return new BucketResult(true, Math.Max(0, _tokens), TimeSpan.Zero, TimeSpan.FromSeconds((capacity - _tokens) / perSecond));
            }
            var wait = TimeSpan.FromSeconds((need - _tokens) / perSecond);
            return new BucketResult(false, Math.Max(0, _tokens), wait, TimeSpan.FromSeconds((capacity - _tokens) / perSecond));
        }
    }

    /// <summary>Gives back (positive) or takes more (negative) after the fact.</summary>
    public void Adjust(double amount, double capacity)
    {
        lock (_lock)
        {
            if (!double.IsNaN(_tokens))
                _tokens = Math.Min(capacity, _tokens + amount);
        }
    }

    private void Refill(double capacity, double perSecond, long timestamp, long frequency)
    {
        if (double.IsNaN(_tokens))
            _tokens = capacity;
        else if (timestamp > _updated)
            _tokens = Math.Min(capacity, _tokens + (timestamp - _updated) / (double)frequency * perSecond);
        _updated = Math.Max(_updated, timestamp);
    }
}
