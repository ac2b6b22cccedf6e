namespace LlmGateway.Budgets;

/// <summary>Why the budgets step refused a request (a bounded metric label).</summary>
internal enum RejectionReason
{
    RateLimitRequests,
    RateLimitTokens,
    Budget,
    Unpriced,
}

internal static class RejectionReasons
{
    public static string Label(RejectionReason reason) => reason switch
    {
        RejectionReason.RateLimitRequests => "rate_limit_requests",
        RejectionReason.RateLimitTokens => "rate_limit_tokens",
        RejectionReason.Budget => "budget",
        _ => "unpriced",
    };
}
