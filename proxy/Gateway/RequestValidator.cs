using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Gateway;

/// <summary>Checks the fields the gateway relies on, with OpenAI's wording where it has one.</summary>
internal static class RequestValidator
{
    public sealed record Problem(string Message, string? Param);

    private static readonly string[] NumberFields = ["temperature", "top_p", "presence_penalty", "frequency_penalty"];
    private static readonly string[] IntegerFields = ["n", "max_tokens", "max_completion_tokens", "max_output_tokens", "seed"];

    public static Problem? Validate(OpenAiEndpoint endpoint, JsonObject body, out string? model, out bool stream)
    {
        model = null;
        stream = false;

        if (body.TryGetPropertyValue("model", out var modelNode) && modelNode is not null)
        {
            if (modelNode.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(model = modelNode.GetValue<string>()))
                return new Problem("'model' must be a non-empty string.", "model");
        }
        else if (endpoint != OpenAiEndpoint.Other)
        {
            return new Problem("You must provide a model parameter.", "model");
        }

        if (body.TryGetPropertyValue("stream", out var streamNode) && streamNode is not null)
        {
            var kind = streamNode.GetValueKind();
            if (kind is not (JsonValueKind.True or JsonValueKind.False))
                return new Problem("'stream' must be a boolean.", "stream");
            stream = kind == JsonValueKind.True;
        }

        var required = endpoint switch
        {
            OpenAiEndpoint.ChatCompletions => "messages",
            OpenAiEndpoint.Completions => "prompt",
            OpenAiEndpoint.Embeddings => "input",
            _ => null,
        };
        if (required is not null && (!body.TryGetPropertyValue(required, out var requiredNode) || requiredNode is null))
            return new Problem($"Missing required parameter: '{required}'.", required);
        if (endpoint == OpenAiEndpoint.ChatCompletions && body["messages"]!.GetValueKind() != JsonValueKind.Array)
            return new Problem("'messages' must be an array.", "messages");

        foreach (var field in NumberFields)
        {
            if (body.TryGetPropertyValue(field, out var node) && node is not null && node.GetValueKind() != JsonValueKind.Number)
                return new Problem($"'{field}' must be a number.", field);
        }
        foreach (var field in IntegerFields)
        {
            if (body.TryGetPropertyValue(field, out var node) && node is not null
                && (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out _)))
                return new Problem($"'{field}' must be an integer.", field);
        }
        return null;
    }
}
