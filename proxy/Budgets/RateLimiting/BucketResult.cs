namespace LlmGateway.Budgets.RateLimiting;

/// <summary>A bucket's answer: taken or not, what remains, when the request would fit, when the bucket is full again.</summary>
internal readonly record struct BucketResult(bool Taken, double Remaining, TimeSpan RetryAfter, TimeSpan UntilFull);
