using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>Computes a request's <see cref="CacheKey"/> from its parsed body (DESIGN.md, "what must match").</summary>
internal static class CacheKeyBuilder
{
    /// <summary>Fields that change how the answer is delivered, not what it says.</summary>
    private static readonly HashSet<string> DeliveryOnly = new(StringComparer.Ordinal) { "model", "stream", "stream_options", "user", "metadata", "store", "service_tier" };

    private const string QueryPlaceholder = "\u0000query";

    /// <summary>Null when the endpoint is not cacheable.</summary>
    public static CacheKey? Build(GatewayRequest request, string scope, string embedderId, string? queryOverride)
    {
        if (request.Body is null || request.Model is null)
            return null;
        var semantic = request.Endpoint is OpenAiEndpoint.ChatCompletions or OpenAiEndpoint.Completions;
        if (!semantic && request.Endpoint is not OpenAiEndpoint.Embeddings and not OpenAiEndpoint.Responses)
            return null;

        var model = request.Model.Name;
        var (queryNode, queryText) = !semantic ? (null, null)
            : request.Endpoint == OpenAiEndpoint.ChatCompletions ? LastUserContent(request.Body) : Prompt(request.Body);
        // One canonical walk of the body, with the query replaced by a placeholder: the partition hashes
        // that; the exact key hashes it with the query put back.
        var canonical = Canonical(request.Body, queryNode);
        var prefix = $"v1\n{scope}\n{model}\n{request.Endpoint}\n";
        var exact = Hash(prefix, canonical, queryNode is null ? [] : Canonical(queryNode));
        if (!semantic)
            return new CacheKey(scope, model, exact, exact, null);

        if (queryOverride is { Length: > 0 } && queryText is not null)
            queryText = queryOverride;
        var partition = Hash(prefix + embedderId + "\n", canonical, []);
        return new CacheKey(scope, model, exact, partition, queryNode is null ? null : queryText);
    }

    private static byte[] Hash(string prefix, ReadOnlySpan<byte> canonical, ReadOnlySpan<byte> query)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(prefix));
        sha.AppendData(canonical);
        sha.AppendData("\n"u8);
        sha.AppendData(query);
        return sha.GetHashAndReset();
    }

    /// <summary>The body minus delivery-only fields, keys sorted, <paramref name="skipQuery"/> as a placeholder.</summary>
    private static byte[] Canonical(JsonObject body, JsonNode? skipQuery)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in body.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (DeliveryOnly.Contains(key))
                    continue;
                writer.WritePropertyName(key);
                WriteSkipping(writer, value, skipQuery);
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Canonical(JsonNode query)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            WriteSkipping(writer, query, skip: null);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteSkipping(Utf8JsonWriter writer, JsonNode? node, JsonNode? skip)
    {
        if (skip is not null && ReferenceEquals(node, skip))
        {
            writer.WriteStringValue(QueryPlaceholder);
            return;
        }
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSkipping(writer, value, skip);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteSkipping(writer, item, skip);
                writer.WriteEndArray();
                break;
            default:
                CanonicalJson.Write(writer, node);
                break;
        }
    }

    /// <summary>The last user message's content node and its text; no text when it has non-text parts.</summary>
    private static (JsonNode? Node, string? Text) LastUserContent(JsonObject body)
    {
        if (body["messages"] is not JsonArray messages)
            return (null, null);
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i] is not JsonObject message || message["role"]?.GetValueKind() != JsonValueKind.String || message["role"]!.GetValue<string>() != "user")
                continue;
            var content = message["content"];
            return (content, TextOf(content));
        }
        return (null, null);
    }

    private static (JsonNode? Node, string? Text) Prompt(JsonObject body) =>
        body["prompt"] is JsonValue prompt && prompt.GetValueKind() == JsonValueKind.String ? (prompt, prompt.GetValue<string>()) : (null, null);

    /// <summary>The text of a content node: a string, or text parts only (null when an image, audio or file part is present).</summary>
    private static string? TextOf(JsonNode? content)
    {
        if (content is JsonValue value && value.GetValueKind() == JsonValueKind.String)
            return value.GetValue<string>();
        if (content is not JsonArray parts)
            return null;
        var text = new StringBuilder();
        foreach (var part in parts)
        {
            if (part is not JsonObject obj || obj["type"]?.ToString() != "text" || obj["text"] is not JsonValue t || t.GetValueKind() != JsonValueKind.String)
                return null;
            if (text.Length > 0) text.Append('\n');
            text.Append(t.GetValue<string>());
        }
        return text.ToString();
    }
}
