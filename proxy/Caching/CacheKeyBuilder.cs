using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>Computes a request's <see cref="CacheKey"/> from its parsed body (Caching/README.md, "What must match, and what may be similar").</summary>
internal static class CacheKeyBuilder
{
    /// <summary>Fields that change how the answer is delivered, not what it says.</summary>
    private static readonly HashSet<string> DeliveryOnly = new(StringComparer.Ordinal) { "model", "stream", "stream_options", "user", "metadata", "store", "service_tier" };

    private const string QueryPlaceholder = "\u0000query";

    /// <summary>
    /// Marks where the question was cut out of a message under <c>x-cache-query</c>. Unforgeable: a message with
    /// query text holds strings and text-part objects, never an array of strings.
    /// </summary>
    private const string QuestionCut = "\u0000question";

    /// <summary>Starts partitions keyed with <c>x-cache-query</c>: they can never equal a header-less partition, which continues with '{'.</summary>
    private const string QueryHeaderPartition = "x-cache-query\n";

    /// <summary>Null when the endpoint is not cacheable, or the body holds a value JSON cannot be written with.</summary>
    /// <param name="queryHeader">The request's <c>x-cache-query</c> text when the team honours it, else null.</param>
    public static CacheKey? Build(GatewayRequest request, string scope, string embedderId, string? queryHeader)
    {
        try
        {
            return BuildKey(request, scope, embedderId, queryHeader);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            // Parsing refuses lone surrogates and infinite numbers, so a body from a client never gets here; a body a
            // later step built might. Such a request is simply not cached: the key must never fail the request.
            return null;
        }
    }

    private static CacheKey? BuildKey(GatewayRequest request, string scope, string embedderId, string? queryHeader)
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

        if (queryHeader is { Length: > 0 } && queryNode is not null && queryText is not null)
        {
            // The header is the client's word for what the question is; the rest of the message (RAG documents,
            // or an instruction planting an answer) still shapes the answer. So header entries get partitions of
            // their own, apart from header-less ones, that also hash the message with only the question cut out.
            var around = CanonicalAround(queryNode, queryHeader);
            return new CacheKey(scope, model, exact, Hash(prefix + embedderId + "\n" + QueryHeaderPartition, canonical, around), queryHeader);
        }
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

    /// <summary>
    /// The query node with <paramref name="question"/> cut out of it: its last verbatim occurrence in a text is
    /// written as [marker, text before, text after]. A message that does not contain it is written whole, so
    /// then only requests with the very same message share the partition.
    /// </summary>
    private static byte[] CanonicalAround(JsonNode query, string question)
    {
        var holder = TextHolding(query, question);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
            WriteSkipping(writer, query, holder, question);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The string node (the content, or the last text part) that contains <paramref name="question"/>.</summary>
    private static JsonValue? TextHolding(JsonNode query, string question)
    {
        if (query is JsonValue value)
            return value.GetValue<string>().Contains(question, StringComparison.Ordinal) ? value : null;
        if (query is not JsonArray parts)
            return null;
        for (var i = parts.Count - 1; i >= 0; i--)
        {
            if (parts[i] is JsonObject part && part["text"] is JsonValue text && text.GetValueKind() == JsonValueKind.String
                && text.GetValue<string>().Contains(question, StringComparison.Ordinal))
                return text;
        }
        return null;
    }

    /// <summary>Writes <paramref name="node"/> canonically; <paramref name="skip"/> becomes the query placeholder, or has <paramref name="cut"/> cut out of it.</summary>
    private static void WriteSkipping(Utf8JsonWriter writer, JsonNode? node, JsonNode? skip, string? cut = null)
    {
        if (skip is not null && ReferenceEquals(node, skip))
        {
            if (cut is null)
            {
                writer.WriteStringValue(QueryPlaceholder);
                return;
            }
            var text = skip.GetValue<string>();
            var at = text.LastIndexOf(cut, StringComparison.Ordinal);
            writer.WriteStartArray();
            writer.WriteStringValue(QuestionCut);
            writer.WriteStringValue(text.AsSpan(0, at));
            writer.WriteStringValue(text.AsSpan(at + cut.Length));
            writer.WriteEndArray();
            return;
        }
        switch (node)
        {
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSkipping(writer, value, skip, cut);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteSkipping(writer, item, skip, cut);
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
