namespace LlmGateway.Budgets;

/// <summary>Metric labels of <see cref="RejectionReason"/>.</summary>
internal static class RejectionReasons
{
    public static string Label(RejectionReason reason) => reason switch
    {
        RejectionReason.RateLimitRequests => "rate_limit_requests",
        RejectionReason.RateLimitTokens => "rate_limit_tokens",
        RejectionReason.Budget => "budget",
        RejectionReason.LedgerUnavailable => "ledger_unavailable",
        _ => "unpriced",
    };
}
