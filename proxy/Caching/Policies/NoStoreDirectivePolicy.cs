namespace LlmGateway.Caching.Policies;

/// <summary><c>Cache-Control: no-store</c>: the client wants neither a stored answer nor its answer stored.</summary>
internal sealed class NoStoreDirectivePolicy : ICacheRequestPolicy
{
    public const string Reason = "no_store";

    public void Apply(CacheRequestContext context)
    {
        if (!context.Directives.Store)
            context.Bypass(Reason);
    }
}
