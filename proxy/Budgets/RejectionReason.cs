namespace LlmGateway.Budgets;

/// <summary>Why the budgets step refused a request (a bounded metric label).</summary>
internal enum RejectionReason
{
    RateLimitRequests,
    RateLimitTokens,
    Budget,
    Unpriced,
    LedgerUnavailable,
}
