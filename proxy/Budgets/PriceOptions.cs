namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Prices:{model}</c>. (Filled in by the budgets capability.)</summary>
public sealed record PriceOptions
{
}
