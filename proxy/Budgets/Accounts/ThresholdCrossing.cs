namespace LlmGateway.Budgets.Accounts;

/// <summary>A soft threshold crossed for the first time in a period.</summary>
internal sealed record ThresholdCrossing(string Team, BudgetPeriod Period, int Percent, decimal SpentUsd, decimal LimitUsd, DateTimeOffset PeriodStart, DateTimeOffset ResetsAt);
