namespace LlmGateway.Caching.Policies;

/// <summary><c>Cache-Control: no-cache</c> or <c>x-cache-refresh: true</c>: ask the provider, and store its answer in place of the old one.</summary>
internal sealed class NoCacheDirectivePolicy : ICacheRequestPolicy
{
    public const string Reason = "no_cache";

    public void Apply(CacheRequestContext context)
    {
        if (!context.Directives.Lookup)
            context.RefuseLookup(Reason);
    }
}
