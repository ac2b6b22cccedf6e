using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Gateway;

/// <summary>Checks the fields the gateway relies on, with OpenAI's wording where it has one.</summary>
internal static class RequestValidator
{
    public sealed record Problem(string Message, string? Param);

    private static readonly string[] NumberFields = ["temperature", "top_p", "presence_penalty", "frequency_penalty"];
    /// <summary>Counts: whole numbers from 1 up; budgets reserve by them, so they must be what the provider will use.</summary>
    private static readonly (string Name, long Max)[] CountFields = [("n", 128), ("max_tokens", int.MaxValue), ("max_completion_tokens", int.MaxValue), ("max_output_tokens", int.MaxValue)];

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
        foreach (var (field, max) in CountFields)
        {
            if (body.TryGetPropertyValue(field, out var node) && node is not null
                && (node.GetValueKind() != JsonValueKind.Number || !node.AsValue().TryGetValue<long>(out var count) || count < 1 || count > max))
                return new Problem($"'{field}' must be an integer from 1 to {max}.", field);
        }
        if (body.TryGetPropertyValue("seed", out var seed) && seed is not null
            && (seed.GetValueKind() != JsonValueKind.Number || !seed.AsValue().TryGetValue<long>(out _)))
            return new Problem("'seed' must be an integer.", "seed");
        if (endpoint == OpenAiEndpoint.ChatCompletions)
        {
            var messages = body["messages"]!.AsArray();
            for (var i = 0; i < messages.Count; i++)
            {
                if (messages[i] is not JsonObject message || message["role"]?.GetValueKind() != JsonValueKind.String)
                    return new Problem($"'messages[{i}]' must be an object with a string 'role'.", $"messages[{i}]");
                if (message["content"] is { } content && content.GetValueKind() is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null))
                    return new Problem($"'messages[{i}].content' must be a string or an array of content parts.", $"messages[{i}].content");
            }
        }
        return null;
    }
}
