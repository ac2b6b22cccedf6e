using System.Text.Json.Nodes;
using LlmGateway.Capture;

namespace LlmGateway.Caching;

/// <summary>The <c>usage</c> of a stored answer (chat/completions/embeddings names and the responses API's).</summary>
internal static class AnswerUsage
{
    public static TokenUsage Read(JsonObject answer)
    {
        if (answer["usage"] is not JsonObject usage)
            return TokenUsage.None;
        var prompt = Long(usage["prompt_tokens"]) ?? Long(usage["input_tokens"]) ?? 0;
        var completion = Long(usage["completion_tokens"]) ?? Long(usage["output_tokens"]) ?? 0;
        var cached = Long(usage["prompt_tokens_details"]?["cached_tokens"]) ?? Long(usage["input_tokens_details"]?["cached_tokens"]) ?? 0;
        return new TokenUsage(prompt, cached, completion, Estimated: false);
    }

    private static long? Long(JsonNode? node) => node is JsonValue v && v.TryGetValue<long>(out var x) ? x : null;
}
