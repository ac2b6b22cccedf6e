using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Capture;
using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>
/// Turns a captured answer into the stored form: the non-streaming JSON the provider would have sent. A stream is
/// assembled from its chunks; it must have ended with <c>[DONE]</c>, and streamed logprobs are not kept (so such a
/// stream is refused). Whether an answer may be stored at all is decided by the rules in <c>Policies/</c>
/// (<see cref="Policies.CacheStorePolicies"/>), before and after this.
/// </summary>
internal static class AnswerAssembler
{
    public static JsonObject? TryAssemble(OpenAiEndpoint endpoint, ICapturedResponse capture, out string reason)
    {
        reason = "";
        JsonObject? answer;
        try
        {
            answer = capture.IsEventStream ? AssembleStream(endpoint, capture.Body, ref reason) : JsonNode.Parse(capture.Body.Span) as JsonObject;
        }
        catch (JsonException)
        {
            reason = "malformed";
            return null;
        }
        if (answer is null)
        {
            if (reason.Length == 0) reason = "malformed";
            return null;
        }
        return answer;
    }

    private static JsonObject? AssembleStream(OpenAiEndpoint endpoint, ReadOnlyMemory<byte> body, ref string reason)
    {
        if (endpoint is not (OpenAiEndpoint.ChatCompletions or OpenAiEndpoint.Completions)) { reason = "stream_kind"; return null; }
        var chunks = new List<JsonObject>();
        var done = false;
        foreach (var item in SseEvents.Read(body, static (_, data) => data.SequenceEqual("[DONE]"u8) ? (Done: true, Chunk: null) : (Done: false, Chunk: JsonNode.Parse(data))))
        {
            if (item.Data.Done) { done = true; break; }
            if (item.Data.Chunk is JsonObject chunk) chunks.Add(chunk);
        }
        if (!done || chunks.Count == 0) { reason = "incomplete"; return null; }

        var first = chunks[0];
        var choices = new SortedDictionary<int, StreamedChoice>();
        JsonNode? usage = null;
        foreach (var chunk in chunks)
        {
            if (chunk["usage"] is JsonObject u) usage = u.DeepClone();
            if (chunk["choices"] is not JsonArray array) continue;
            foreach (var c in array.OfType<JsonObject>())
            {
                if (c["logprobs"] is JsonObject) { reason = "logprobs"; return null; }
                var index = c["index"]?.GetValue<int>() ?? 0;
                if (!choices.TryGetValue(index, out var choice)) choices[index] = choice = new StreamedChoice();
                choice.Add(endpoint, c);
            }
        }

        var result = new JsonObject
        {
            ["id"] = first["id"]?.DeepClone(),
            ["object"] = endpoint == OpenAiEndpoint.ChatCompletions ? "chat.completion" : "text_completion",
            ["created"] = first["created"]?.DeepClone(),
            ["model"] = first["model"]?.DeepClone(),
        };
        if (first["system_fingerprint"] is { } fingerprint) result["system_fingerprint"] = fingerprint.DeepClone();
        result["choices"] = new JsonArray(choices.Select(c => (JsonNode)c.Value.ToJson(endpoint, c.Key)).ToArray());
        if (usage is not null) result["usage"] = usage;
        return result;
    }

    private sealed class StreamedChoice
    {
        private readonly StringBuilder _content = new();
        private readonly SortedDictionary<int, (string? Id, string? Type, string? Name, StringBuilder Arguments)> _toolCalls = new();
        private string _role = "assistant";
        private string? _refusal;
        private string? _finishReason;

        public void Add(OpenAiEndpoint endpoint, JsonObject choice)
        {
            if (choice["finish_reason"] is JsonValue finish && finish.GetValueKind() == JsonValueKind.String)
                _finishReason = finish.GetValue<string>();
            if (endpoint == OpenAiEndpoint.Completions)
            {
                _content.Append(choice["text"]?.GetValue<string>());
                return;
            }
            if (choice["delta"] is not JsonObject delta) return;
            if (delta["role"] is JsonValue role) _role = role.GetValue<string>();
            if (delta["content"] is JsonValue content && content.GetValueKind() == JsonValueKind.String) _content.Append(content.GetValue<string>());
            if (delta["refusal"] is JsonValue refusal && refusal.GetValueKind() == JsonValueKind.String) _refusal += refusal.GetValue<string>();
            if (delta["tool_calls"] is not JsonArray calls) return;
            foreach (var call in calls.OfType<JsonObject>())
            {
                var i = call["index"]?.GetValue<int>() ?? 0;
                var current = _toolCalls.TryGetValue(i, out var existing) ? existing : (null, null, null, new StringBuilder());
                current.Id ??= call["id"]?.GetValue<string>();
                current.Type ??= call["type"]?.GetValue<string>();
                current.Name ??= call["function"]?["name"]?.GetValue<string>();
                current.Arguments.Append(call["function"]?["arguments"]?.GetValue<string>());
                _toolCalls[i] = current;
            }
        }

        public JsonObject ToJson(OpenAiEndpoint endpoint, int index)
        {
            if (endpoint == OpenAiEndpoint.Completions)
                return new JsonObject { ["text"] = _content.ToString(), ["index"] = index, ["logprobs"] = null, ["finish_reason"] = _finishReason };
            var message = new JsonObject { ["role"] = _role, ["content"] = _toolCalls.Count > 0 && _content.Length == 0 ? null : _content.ToString() };
            if (_toolCalls.Count > 0)
            {
                message["tool_calls"] = new JsonArray(_toolCalls.Values.Select(t => (JsonNode)new JsonObject
                {
                    ["id"] = t.Id,
                    ["type"] = t.Type ?? "function",
                    ["function"] = new JsonObject { ["name"] = t.Name, ["arguments"] = t.Arguments.ToString() },
                }).ToArray());
            }
            message["refusal"] = _refusal;
            return new JsonObject { ["index"] = index, ["message"] = message, ["logprobs"] = null, ["finish_reason"] = _finishReason };
        }
    }
}
