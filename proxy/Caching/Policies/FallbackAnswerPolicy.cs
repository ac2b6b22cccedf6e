namespace LlmGateway.Caching.Policies;

/// <summary>An answer from a fallback model is not the requested model's: never stored under it.</summary>
internal sealed class FallbackAnswerPolicy : ICacheStorePolicy
{
    public const string Reason = "fallback";

    public void Apply(CacheStoreContext context)
    {
        if (context.Attempt is { Index: > 0 })
            context.Refuse(Reason);
    }
}
