using LlmGateway.Gateway;

namespace LlmGateway.Caching.Policies;

/// <summary>A Responses API answer is stored only when its <c>status</c> is <c>completed</c>.</summary>
internal sealed class CompletedResponsePolicy : ICacheStorePolicy
{
    public const string Reason = "incomplete";

    public void Apply(CacheStoreContext context)
    {
        if (context.Endpoint == OpenAiEndpoint.Responses && context.Answer is { } answer && answer["status"]?.ToString() != "completed")
            context.Refuse(Reason);
    }
}
