using System.Buffers;
using System.Text.Json;
using LlmGateway.Capture;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// Counts the output tokens of a streamed answer as its events go by, erring high: every piece of generated text
/// (a chat <c>content</c>/<c>refusal</c>/tool <c>arguments</c>/reasoning delta, a completions <c>text</c>, a Responses-API
/// <c>*.delta</c>) is at least one token, and the whole is at least one token per 4 UTF-8 bytes of text, whichever is
/// larger. Pieces are exact for providers that stream a token per event; bytes catch providers that batch tokens
/// (bytes, not characters: a CJK character is ~1 token and 3 bytes). Events that repeat text already streamed
/// (<c>response.output_text.done</c>, <c>response.completed</c>) count nothing.
/// </summary>
internal sealed class StreamedOutputCounter
{
    private long _pieces;
    private long _bytes;

    public long Tokens => Count(_pieces, _bytes);

    /// <summary>What <see cref="Tokens"/> would be with <paramref name="text"/> added.</summary>
    public long TokensWith(StreamedText text) => Count(_pieces + text.Pieces, _bytes + text.Bytes);

    public void Add(StreamedText text)
    {
        _pieces += text.Pieces;
        _bytes += text.Bytes;
    }

    private static long Count(long pieces, long bytes) => Math.Max(pieces, (bytes + 3) / 4);

    /// <summary>The generated text in one SSE event (its <c>data:</c> lines; <c>[DONE]</c> and non-JSON data carry none).</summary>
    public static StreamedText Measure(ReadOnlyMemory<byte> sseEvent)
    {
        var total = default(StreamedText);
        foreach (var item in SseEvents.Read(sseEvent, static (_, data) => MeasureJson(data)))
            total = total.Plus(item.Data);
        return total;
    }

    private static StreamedText MeasureJson(ReadOnlySpan<byte> json)
    {
        long pieces = 0, bytes = 0, deltaBytes = 0;
        bool? responsesDelta = null;
        bool inChoices = false, textProperty = false;
        // Not final: an unfinished last event (a provider that broke off) counts as far as it goes.
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.CurrentDepth == 1)
                    {
                        inChoices = reader.ValueTextEquals("choices"u8);
                        if (reader.ValueTextEquals("type"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                            responsesDelta = reader.ValueSpan.EndsWith(".delta"u8);
                        else if (reader.ValueTextEquals("delta"u8) && reader.Read() && reader.TokenType == JsonTokenType.String)
                            deltaBytes = TextBytes(ref reader);
                        textProperty = false;
                        continue;
                    }
                    textProperty = inChoices && (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("text"u8) || reader.ValueTextEquals("refusal"u8)
                        || reader.ValueTextEquals("arguments"u8) || reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8));
                    continue;
                }
                if (reader.TokenType == JsonTokenType.String && textProperty && TextBytes(ref reader) is > 0 and var length)
                {
                    pieces++;
                    bytes += length;
                }
                textProperty = false;
            }
        }
        catch (JsonException)
        {
            // Not JSON, or cut short: what was read so far is what the event carried.
        }
        return responsesDelta switch
        {
            true => new StreamedText(deltaBytes > 0 ? 1 : 0, deltaBytes),
            false => default,
            null => new StreamedText(pieces, bytes),
        };
    }

    /// <summary>The UTF-8 length of the current string once unescaped (<c>\u3042</c> is one 3-byte character, not 6 bytes).</summary>
    private static long TextBytes(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
            return reader.ValueSpan.Length;
        var length = reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            return reader.CopyString(rented);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
