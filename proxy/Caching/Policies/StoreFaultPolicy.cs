namespace LlmGateway.Caching.Policies;

/// <summary>While the cache's store is failing the provider answers: neither look up nor store (README, "When storage fails").</summary>
internal sealed class StoreFaultPolicy : ICacheRequestPolicy
{
    public const string Reason = "storage_fault";

    public void Apply(CacheRequestContext context)
    {
        if (context.StoreFaulted)
            context.Bypass(Reason);
    }
}
