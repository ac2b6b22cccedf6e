namespace LlmGateway.Budgets.Accounts;

/// <summary>One period's limits (either may be absent).</summary>
internal sealed record PeriodLimit(BudgetPeriod Period, decimal? Usd, long? Tokens);
