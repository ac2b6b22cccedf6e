namespace LlmGateway.Budgets.Accounts;

/// <summary>Why a reservation did not fit: which account, which period, its limit and when it resets.</summary>
internal sealed record BudgetRejection(string Team, string? KeyId, BudgetPeriod Period, decimal? LimitUsd, long? LimitTokens, decimal SpentUsd, DateTimeOffset ResetsAt, TimeZoneInfo Zone)
{
    /// <summary>A shared store could not be reached, so nothing could be reserved (money fails closed); <see cref="ResetsAt"/> is when to retry.</summary>
    public bool StorageUnavailable { get; init; }
}
