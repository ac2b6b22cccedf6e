namespace LlmGateway.Auth;

/// <summary>A team, bound from <c>Gateway:Teams:{name}</c>. Capabilities add their own sub-sections (Budget, RateLimit, Cache, Guard).</summary>
public sealed record TeamOptions
{
    /// <summary>SHA-256 hex digests of the team's keys (create one with <c>LlmGateway keys new</c>).</summary>
    public List<string> KeySha256 { get; init; } = [];

    /// <summary>Models the team may use; empty means all.</summary>
    public List<string> Models { get; init; } = [];

    public Budgets.BudgetOptions? Budget { get; init; }

    public Budgets.RateLimitOptions? RateLimit { get; init; }

    public Caching.TeamCacheOptions? Cache { get; init; }

    public Guard.TeamGuardOptions? Guard { get; init; }
}
