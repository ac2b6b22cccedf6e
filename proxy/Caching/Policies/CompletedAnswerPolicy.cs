namespace LlmGateway.Caching.Policies;

/// <summary>Only an answer forwarded whole is stored: not after a forwarder error, a client abort or a stream the gateway cut.</summary>
internal sealed class CompletedAnswerPolicy : ICacheStorePolicy
{
    public const string Reason = "incomplete";

    public void Apply(CacheStoreContext context)
    {
        if (!context.Completed)
            context.Refuse(Reason);
    }
}
