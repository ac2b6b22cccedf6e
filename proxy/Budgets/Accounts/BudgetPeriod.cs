namespace LlmGateway.Budgets.Accounts;

/// <summary>The periods a budget is counted over, in the team's time zone (a bounded metric label).</summary>
internal enum BudgetPeriod
{
    Day,
    Week,
    Month,
}
