namespace LlmGateway.Budgets.Accounts;

/// <summary>Why a reservation did not fit: which account, which period, its limit and when it resets.</summary>
internal sealed record BudgetRejection(string Team, string? KeyId, BudgetPeriod Period, decimal? LimitUsd, long? LimitTokens, decimal SpentUsd, DateTimeOffset ResetsAt, TimeZoneInfo Zone);
