using LlmGateway.Gateway;

namespace LlmGateway.Caching.Policies;

/// <summary>A streamed Responses API call is not cached: its event stream is not assembled into a stored answer, nor replayed.</summary>
internal sealed class StreamedResponsesPolicy : ICacheRequestPolicy
{
    public const string Reason = "streamed_responses";

    public void Apply(CacheRequestContext context)
    {
        if (context.Request.Stream && context.Request.Endpoint == OpenAiEndpoint.Responses)
            context.Bypass(Reason);
    }
}
