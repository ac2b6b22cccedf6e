using LlmGateway.Gateway;

namespace LlmGateway.Caching.Policies;

/// <summary>Only chat, completions, embeddings and Responses calls that name a model and have a JSON body are cached.</summary>
internal sealed class CacheableEndpointPolicy : ICacheRequestPolicy
{
    public const string Reason = "not_cacheable";

    public void Apply(CacheRequestContext context)
    {
        var request = context.Request;
        if (request.Body is null || request.Model is null
            || request.Endpoint is not (OpenAiEndpoint.ChatCompletions or OpenAiEndpoint.Completions or OpenAiEndpoint.Embeddings or OpenAiEndpoint.Responses))
            context.Bypass(Reason);
    }
}
