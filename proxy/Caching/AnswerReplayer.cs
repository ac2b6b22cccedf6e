using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Caching;

/// <summary>
/// Sends a stored answer: as JSON, or replayed as OpenAI-format SSE chunks (with a usage chunk when the
/// client asked for one, and <c>data: [DONE]</c>), whichever way it was first captured. The id and
/// <c>created</c> are fresh so clients that track them don't choke.
/// </summary>
internal static class AnswerReplayer
{
    private const int ContentPieceChars = 48;

    /// <summary>Keeps non-ASCII text (Japanese, emoji) as UTF-8 instead of \u escapes, as providers send it.</summary>
    internal static readonly JsonWriterOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task WriteAsync(HttpContext context, GatewayRequest request, CacheEntry entry, long nowUnixSeconds)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        if (!request.Stream || request.Endpoint is not (OpenAiEndpoint.ChatCompletions or OpenAiEndpoint.Completions))
        {
            // The common case: copy the stored JSON token by token, with a fresh id and time, no DOM.
            var bytes = WithFreshIdentity(entry.Answer, nowUnixSeconds);
            response.ContentType = "application/json";
            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, context.RequestAborted);
            return;
        }

        var answer = (JsonObject)JsonNode.Parse(entry.Answer)!;
        if (answer.ContainsKey("id"))
            answer["id"] = FreshId(answer["id"]?.ToString());
        if (answer.ContainsKey("created")) answer["created"] = nowUnixSeconds;

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        var buffer = new ArrayBufferWriter<byte>(2048);
        foreach (var chunk in Chunks(answer, request.Endpoint, request.ClientWantsStreamUsage))
        {
            buffer.Write("data: "u8);
            using (var writer = new Utf8JsonWriter(buffer, Relaxed))
                chunk.WriteTo(writer);
            buffer.Write("\n\n"u8);
        }
        buffer.Write("data: [DONE]\n\n"u8);
        await response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }

    /// <summary>The chunks a provider would have streamed for <paramref name="answer"/>.</summary>
    internal static IEnumerable<JsonObject> Chunks(JsonObject answer, OpenAiEndpoint endpoint, bool includeUsage)
    {
        var chat = endpoint == OpenAiEndpoint.ChatCompletions;
        JsonObject Chunk(JsonArray choices)
        {
            var chunk = new JsonObject
            {
                ["id"] = answer["id"]?.DeepClone(),
                ["object"] = chat ? "chat.completion.chunk" : "text_completion",
                ["created"] = answer["created"]?.DeepClone(),
                ["model"] = answer["model"]?.DeepClone(),
            };
            if (answer["system_fingerprint"] is { } fingerprint) chunk["system_fingerprint"] = fingerprint.DeepClone();
            chunk["choices"] = choices;
            if (includeUsage) chunk["usage"] = null;
            return chunk;
        }

        foreach (var choice in (answer["choices"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var index = choice["index"]?.GetValue<int>() ?? 0;
            if (chat)
            {
                var message = choice["message"] as JsonObject ?? new JsonObject();
                yield return Chunk([new JsonObject { ["index"] = index, ["delta"] = new JsonObject { ["role"] = message["role"]?.DeepClone() ?? "assistant", ["content"] = "" }, ["logprobs"] = null, ["finish_reason"] = null }]);
                foreach (var piece in Pieces(message["content"]?.GetValue<string>()))
                    yield return Chunk([new JsonObject { ["index"] = index, ["delta"] = new JsonObject { ["content"] = piece }, ["logprobs"] = null, ["finish_reason"] = null }]);
                if (message["tool_calls"] is JsonArray calls)
                {
                    var withIndex = new JsonArray(calls.Select((c, i) => { var call = (JsonObject)c!.DeepClone(); call["index"] = i; return (JsonNode)call; }).ToArray());
                    yield return Chunk([new JsonObject { ["index"] = index, ["delta"] = new JsonObject { ["tool_calls"] = withIndex }, ["logprobs"] = null, ["finish_reason"] = null }]);
                }
                yield return Chunk([new JsonObject { ["index"] = index, ["delta"] = new JsonObject(), ["logprobs"] = null, ["finish_reason"] = choice["finish_reason"]?.DeepClone() }]);
            }
            else
            {
                foreach (var piece in Pieces(choice["text"]?.GetValue<string>()))
                    yield return Chunk([new JsonObject { ["text"] = piece, ["index"] = index, ["logprobs"] = null, ["finish_reason"] = null }]);
                yield return Chunk([new JsonObject { ["text"] = "", ["index"] = index, ["logprobs"] = null, ["finish_reason"] = choice["finish_reason"]?.DeepClone() }]);
            }
        }
        if (includeUsage && answer["usage"] is JsonObject usage)
        {
            var last = Chunk([]);
            last["usage"] = usage.DeepClone();
            yield return last;
        }
    }

    /// <summary>The stored answer with its top-level <c>id</c>, <c>created</c> and <c>created_at</c> replaced.</summary>
    internal static byte[] WithFreshIdentity(byte[] answer, long nowUnixSeconds)
    {
        var output = new ArrayBufferWriter<byte>(answer.Length + 64);
        using (var writer = new Utf8JsonWriter(output, Relaxed))
        {
            var reader = new Utf8JsonReader(answer);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                {
                    var name = reader.GetString()!;
                    if (name is "id" or "created" or "created_at")
                    {
                        reader.Read();
                        writer.WritePropertyName(name);
                        if (name == "id") writer.WriteStringValue(FreshId(reader.TokenType == JsonTokenType.String ? reader.GetString() : null));
                        else writer.WriteNumberValue(nowUnixSeconds);
                        continue;
                    }
                }
                CopyToken(ref reader, writer);
            }
        }
        return output.WrittenSpan.ToArray();
    }

    private static void CopyToken(ref Utf8JsonReader reader, Utf8JsonWriter writer)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject: writer.WriteStartObject(); break;
            case JsonTokenType.EndObject: writer.WriteEndObject(); break;
            case JsonTokenType.StartArray: writer.WriteStartArray(); break;
            case JsonTokenType.EndArray: writer.WriteEndArray(); break;
            case JsonTokenType.PropertyName when !reader.ValueIsEscaped: writer.WritePropertyName(reader.ValueSpan); break;
            case JsonTokenType.PropertyName: writer.WritePropertyName(reader.GetString()!); break;
            case JsonTokenType.String when !reader.ValueIsEscaped: writer.WriteStringValue(reader.ValueSpan); break;
            case JsonTokenType.String: writer.WriteStringValue(reader.GetString()); break;
            case JsonTokenType.Number: writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true); break;
            case JsonTokenType.True: writer.WriteBooleanValue(true); break;
            case JsonTokenType.False: writer.WriteBooleanValue(false); break;
            case JsonTokenType.Null: writer.WriteNullValue(); break;
        }
    }

    private static IEnumerable<string> Pieces(string? text)
    {
        if (string.IsNullOrEmpty(text))
            yield break;
        for (var start = 0; start < text.Length;)
        {
            var length = Math.Min(ContentPieceChars, text.Length - start);
            // Keep surrogate pairs whole.
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1])) length--;
            yield return text.Substring(start, length);
            start += length;
        }
    }

    private static string FreshId(string? original)
    {
        var prefix = original switch
        {
            null => "chatcmpl-",
            _ when original.StartsWith("chatcmpl-", StringComparison.Ordinal) => "chatcmpl-",
            _ when original.StartsWith("cmpl-", StringComparison.Ordinal) => "cmpl-",
            _ when original.StartsWith("resp_", StringComparison.Ordinal) => "resp_",
            _ => "cache-",
        };
        // Unique enough to tell answers apart; not a secret, so no cryptographic generator.
        Span<byte> random = stackalloc byte[12];
        Random.Shared.NextBytes(random);
        return prefix + "cache" + Convert.ToHexStringLower(random);
    }
}
