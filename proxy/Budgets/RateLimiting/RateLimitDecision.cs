namespace LlmGateway.Budgets.RateLimiting;

/// <summary>The outcome of a team's rate-limit check, kept to write the <c>x-ratelimit-*</c> headers on the response.</summary>
internal sealed class RateLimitDecision
{
    public int? LimitRequests { get; init; }
    public long RemainingRequests { get; init; }
    public TimeSpan ResetRequests { get; init; }
    public int? LimitTokens { get; init; }
    public long RemainingTokens { get; init; }
    public TimeSpan ResetTokens { get; init; }

    /// <summary>Null when the request may go; else why not.</summary>
    public RejectionReason? Rejected { get; init; }

    public TimeSpan RetryAfter { get; init; }

    /// <summary>Tokens taken from the team's minute budget at admission (given back or topped up at settlement).</summary>
    public long TokensTaken { get; init; }

    public void WriteHeaders(IHeaderDictionary headers)
    {
        if (LimitRequests is { } rpm)
        {
            headers["x-ratelimit-limit-requests"] = rpm.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-requests"] = RemainingRequests.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-requests"] = Duration(ResetRequests);
        }
        if (LimitTokens is { } tpm)
        {
            headers["x-ratelimit-limit-tokens"] = tpm.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-remaining-tokens"] = RemainingTokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
            headers["x-ratelimit-reset-tokens"] = Duration(ResetTokens);
        }
    }

    /// <summary>OpenAI's duration format: <c>20ms</c>, <c>1.5s</c>, <c>6m0s</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span <= TimeSpan.Zero)
            return "0s";
        if (span < TimeSpan.FromSeconds(1))
            return $"{Math.Ceiling(span.TotalMilliseconds):0}ms";
        if (span < TimeSpan.FromMinutes(1))
            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{span.TotalSeconds:0.###}s");
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds}s");
    }
}
