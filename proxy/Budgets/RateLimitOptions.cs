namespace LlmGateway.Budgets;

/// <summary><c>Gateway:Teams:{name}:RateLimit</c>. (Filled in by the budgets capability.)</summary>
public sealed record RateLimitOptions
{
}
