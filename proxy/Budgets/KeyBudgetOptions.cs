namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Teams:{name}:Budget:Keys:{keyId}</c>: limits for one key inside its team's budget.</summary>
public sealed record KeyBudgetOptions
{
    public decimal? DailyUsd { get; init; }

    public decimal? WeeklyUsd { get; init; }

    public decimal? MonthlyUsd { get; init; }
}
