namespace LlmGateway.Caching.Policies;

/// <summary><c>Gateway:Cache:Enabled: false</c> turns the cache off for everyone.</summary>
internal sealed class CacheOffPolicy : ICacheRequestPolicy
{
    public const string Reason = "disabled";

    public void Apply(CacheRequestContext context)
    {
        if (!context.Options.Enabled)
            context.Bypass(Reason);
    }
}
