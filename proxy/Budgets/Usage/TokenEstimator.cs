using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// The estimate used when a provider gave no usage: 1 token per 4 characters of text, rounded up (OpenAI's own
/// rule of thumb for English; no tokenizer model is loaded). Counts only text: message contents, prompts, inputs,
/// and in answers the <c>content</c>/<c>text</c>/<c>delta</c>/<c>refusal</c>/<c>arguments</c> strings.
/// </summary>
internal static class TokenEstimator
{
    public static long FromChars(long chars) => (chars + 3) / 4;

    /// <summary>Estimated prompt tokens: the text of every string in the request body except <c>model</c>.</summary>
    public static long Prompt(JsonObject? body) => body is null ? 0 : FromChars(TextChars(body, null));

    /// <summary>Estimated completion tokens of what was forwarded (SSE events or a JSON body, possibly cut short).</summary>
    public static long Completion(ReadOnlyMemory<byte> body, bool eventStream)
    {
        if (!eventStream)
            return FromChars(AnswerChars(body.Span));
        long chars = 0;
        foreach (var data in SseData.Payloads(body))
            chars += AnswerChars(data.Span);
        return FromChars(chars);
    }

    private static long TextChars(JsonNode? node, string? property)
    {
        switch (node)
        {
            case JsonObject obj:
                long sum = 0;
                foreach (var (name, child) in obj)
                {
                    if (name != "model")
                        sum += TextChars(child, name);
                }
                return sum;
            case JsonArray array:
                long total = 0;
                foreach (var child in array)
                    total += TextChars(child, property);
                return total;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                return value.GetValue<string>().Length;
            default:
                return 0;
        }
    }

    private static long AnswerChars(ReadOnlySpan<byte> json)
    {
        long chars = 0;
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        var counting = false;
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                    counting = reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("delta"u8)
                               || reader.ValueTextEquals("refusal"u8) || reader.ValueTextEquals("arguments"u8);
                else if (reader.TokenType == JsonTokenType.String && counting)
                {
                    chars += Encoding.UTF8.GetCharCount(reader.ValueSpan);
                    counting = false;
                }
                else
                    counting = false;
            }
        }
        catch (JsonException)
        {
            // A body cut short by a disconnect: what was counted so far is what was forwarded.
        }
        return chars;
    }
}
