namespace LlmGateway.Gateway;

/// <summary>The OpenAI operations the gateway understands; everything else under <c>/v1</c> is passed through.</summary>
internal enum OpenAiEndpoint
{
    Other,
    ChatCompletions,
    Completions,
    Embeddings,
    Responses,
}

internal static class OpenAiEndpoints
{
    public static OpenAiEndpoint FromPath(PathString path) => path.Value switch
    {
        "/v1/chat/completions" => OpenAiEndpoint.ChatCompletions,
        "/v1/completions" => OpenAiEndpoint.Completions,
        "/v1/embeddings" => OpenAiEndpoint.Embeddings,
        "/v1/responses" => OpenAiEndpoint.Responses,
        _ => OpenAiEndpoint.Other,
    };
}
