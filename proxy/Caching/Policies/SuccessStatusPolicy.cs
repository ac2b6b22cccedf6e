namespace LlmGateway.Caching.Policies;

/// <summary>Only a 200 is stored: upstream faults and refusals are never cached.</summary>
internal sealed class SuccessStatusPolicy : ICacheStorePolicy
{
    public const string Reason = "status";

    public void Apply(CacheStoreContext context)
    {
        if (context.Capture.StatusCode != StatusCodes.Status200OK)
            context.Refuse(Reason);
    }
}
