namespace LlmGateway.Caching.Policies;

/// <summary>An answer larger than <c>Gateway:Cache:MaxEntryBytes</c> (or than the capture limit) is not stored.</summary>
internal sealed class EntrySizePolicy : ICacheStorePolicy
{
    public const string Reason = "too_large";

    public void Apply(CacheStoreContext context)
    {
        if (context.Capture.Truncated || context.Capture.Body.Length > context.Options.MaxEntryBytes)
            context.Refuse(Reason);
    }
}
