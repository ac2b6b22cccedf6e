namespace LlmGateway.Caching.Policies;

/// <summary><c>Gateway:Teams:{team}:Cache:Enabled: false</c> turns the cache off for one team.</summary>
internal sealed class TeamCacheOffPolicy : ICacheRequestPolicy
{
    public const string Reason = "team_disabled";

    public void Apply(CacheRequestContext context)
    {
        if (context.Team?.Enabled == false)
            context.Bypass(Reason);
    }
}
