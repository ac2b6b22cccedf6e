namespace LlmGateway.Budgets.Accounts;

/// <summary>Spend in one account's current period, read for the finance API and gauges.</summary>
internal sealed record PeriodBalance(BudgetPeriod Period, DateTimeOffset Start, DateTimeOffset End, decimal SpentUsd, long SpentTokens, decimal ReservedUsd, decimal? LimitUsd, long? LimitTokens);
