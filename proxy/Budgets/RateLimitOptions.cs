namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Teams:{name}:RateLimit</c>: token buckets per team, refilled continuously.</summary>
public sealed record RateLimitOptions
{
    /// <summary>Requests per minute. None by default.</summary>
    public int? Rpm { get; init; }

    /// <summary>Tokens (prompt + completion) per minute. None by default.</summary>
    public int? Tpm { get; init; }
}
