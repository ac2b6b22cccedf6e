using System.Text.Json;
using LlmGateway.Capture;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// Reads the provider's <c>usage</c> from a captured answer: chat and completions (<c>prompt_tokens</c>,
/// <c>completion_tokens</c>, <c>prompt_tokens_details.cached_tokens</c>), embeddings (<c>prompt_tokens</c> only) and the
/// responses API (<c>input_tokens</c>, <c>output_tokens</c>, <c>input_tokens_details.cached_tokens</c>, also inside a
/// <c>response.completed</c> event). For SSE the last event that carries a usage object wins.
/// </summary>
internal static class UsageParser
{
    public static TokenUsage? Parse(ICapturedResponse capture) => Parse(capture.Body, capture.IsEventStream);

    public static TokenUsage? Parse(ReadOnlyMemory<byte> body, bool eventStream)
    {
        if (!eventStream)
            return FromJson(body.Span);
        TokenUsage? found = null;
        foreach (var item in SseEvents.Read(body, static (_, data) => data.IndexOf("\"usage\""u8) < 0 ? null : FromJson(data)))
        {
            if (item.Data is { } usage)
                found = usage;
        }
        return found;
    }

    /// <summary>The usage object at the top level or inside a top-level <c>response</c> object; null when there is none (or the JSON is cut).</summary>
    public static TokenUsage? FromJson(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            return FindInObject(ref reader, allowNested: true);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static TokenUsage? FindInObject(ref Utf8JsonReader reader, bool allowNested)
    {
        TokenUsage? found = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isUsage = reader.ValueTextEquals("usage"u8);
            var isResponse = allowNested && reader.ValueTextEquals("response"u8);
            reader.Read();
            if (isUsage && reader.TokenType == JsonTokenType.StartObject)
                found = ReadUsage(ref reader);
            else if (isResponse && reader.TokenType == JsonTokenType.StartObject)
                found = FindInObject(ref reader, allowNested: false) ?? found;
            else
                reader.Skip();
        }
        return found;
    }

    private static TokenUsage ReadUsage(ref Utf8JsonReader reader)
    {
        long prompt = 0, cached = 0, completion = 0, total = -1;
        var sawCompletion = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8) || reader.ValueTextEquals("input_tokens"u8))
                prompt = ReadLong(ref reader);
            else if (reader.ValueTextEquals("completion_tokens"u8) || reader.ValueTextEquals("output_tokens"u8))
            {
                completion = ReadLong(ref reader);
                sawCompletion = true;
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
                total = ReadLong(ref reader);
            else if (reader.ValueTextEquals("prompt_tokens_details"u8) || reader.ValueTextEquals("input_tokens_details"u8))
                cached = ReadCached(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        // Embeddings report prompt and total only; anything beyond the prompt in total is output.
        if (!sawCompletion && total > prompt)
            completion = total - prompt;
        return new TokenUsage(prompt, Math.Min(cached, prompt), completion, Estimated: false);
    }

    private static long ReadCached(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return 0;
        }
        long cached = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
                cached = ReadLong(ref reader);
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        return cached;
    }

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value) && value > 0 ? value : 0;
    }
}
