using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Guard;

/// <summary>
/// Every text of a request body that the provider would read: <c>messages</c> (string content, content parts,
/// tool call arguments, tool results), <c>prompt</c>, <c>input</c> (embeddings, responses API), <c>instructions</c>,
/// <c>system</c>. Structural fields (roles, ids, types, names) and binary payloads (images, audio, files) are skipped:
/// they are not prose, and base64 is where random strings look like keys.
/// </summary>
internal static class PromptTexts
{
    private static readonly FrozenSet<string> TextRoots = FrozenSet.Create(StringComparer.Ordinal, "messages", "prompt", "input", "instructions", "system");

    private static readonly FrozenSet<string> Skipped = FrozenSet.Create(StringComparer.Ordinal,
        "role", "type", "name", "id", "tool_call_id", "call_id", "status", "detail", "cache_control",
        "image_url", "input_image", "image", "input_audio", "audio", "file", "file_data", "file_id", "data", "format");

    /// <summary>Calls <paramref name="visit"/> for each text; when it returns a different string, that string replaces the text.</summary>
    public static void Rewrite(JsonObject body, Func<string, string> visit)
    {
        foreach (var (key, value) in body.ToArray())
        {
            if (value is null || !TextRoots.Contains(key))
                continue;
            if (Visit(value, visit) is { } replaced)
                body[key] = replaced;
        }
    }

    // Returns a replacement node for a string that changed, else null (containers are edited in place).
    private static JsonNode? Visit(JsonNode node, Func<string, string> visit)
    {
        switch (node)
        {
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                var text = value.GetValue<string>();
                var rewritten = visit(text);
                return ReferenceEquals(rewritten, text) ? null : JsonValue.Create(rewritten);
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is { } item && Visit(item, visit) is { } replaced)
                        array[i] = replaced;
                }
                return null;
            case JsonObject obj:
                foreach (var (key, child) in obj.ToArray())
                {
                    if (child is null || Skipped.Contains(key))
                        continue;
                    if (Visit(child, visit) is { } replaced)
                        obj[key] = replaced;
                }
                return null;
            default:
                return null;
        }
    }
}
