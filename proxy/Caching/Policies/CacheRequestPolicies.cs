namespace LlmGateway.Caching.Policies;

/// <summary>
/// The request rules, run in this order over one context; the first refusal gives the reason. The rules that refuse
/// both lookup and store come first, so a bypass always names the first of them (a request with <c>no-store</c> while
/// the store fails is <c>no_store</c>, and only a request the cache would have served counts as a storage fault).
/// </summary>
internal static class CacheRequestPolicies
{
    private static readonly ICacheRequestPolicy[] Rules =
    [
        new CacheOffPolicy(),
        new TeamCacheOffPolicy(),
        new NoStoreDirectivePolicy(),
        new StreamedResponsesPolicy(),
        new CacheableEndpointPolicy(),
        new StoreFaultPolicy(),
        new NoCacheDirectivePolicy(),
    ];

    public static CacheRequestContext Evaluate(CacheRequestContext context)
    {
        foreach (var rule in Rules)
            rule.Apply(context);
        return context;
    }
}
