namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Teams:{name}:Budget</c>. (Filled in by the budgets capability.)</summary>
public sealed record BudgetOptions
{
}
