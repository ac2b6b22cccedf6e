namespace LlmGateway.Auth;

/// <summary>
/// A team, bound from <c>Gateway:Teams:{name}</c>: who it is (its keys) and what it may call (its models). Each capability
/// binds and validates its own sub-section of the team (<c>Budget</c>, <c>RateLimit</c>, <c>Cache</c>, <c>Guard</c>) through
/// <c>Gateway/TeamSections</c>, so Auth knows none of them.
/// </summary>
public sealed record TeamOptions
{
    /// <summary>SHA-256 hex digests of the team's keys (create one with <c>LlmGateway keys new</c>).</summary>
    public List<string> KeySha256 { get; init; } = [];

    /// <summary>Models the team may use; empty means all.</summary>
    public List<string> Models { get; init; } = [];
}
