using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmGateway.Capture;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// The estimate used when a provider gave no usage. With the model's tokenizer (<see cref="TokenizerKind"/>, once
/// loaded) text is counted exactly, within the request's <see cref="TextBudget"/>; otherwise, and for text beyond
/// the budget, 1 token per 4 characters, rounded up (OpenAI's rule of thumb for English). Counts only text: the
/// request's strings, and in answers the <c>content</c>/<c>text</c>/<c>delta</c>/<c>refusal</c>/<c>arguments</c> strings.
/// </summary>
internal static class TokenEstimator
{
    public static long FromChars(long chars) => (chars + 3) / 4;

    /// <summary>Estimated prompt tokens: <see cref="PromptTokens.Estimate"/>, else the text of every string in the body except <c>model</c> at 4 characters a token.</summary>
    public static long Prompt(JsonObject? body, TokenizerKind tokenizer = TokenizerKind.Bytes, TextTokenCounter? counter = null)
    {
        if (body is null)
            return 0;
        if (tokenizer != TokenizerKind.Bytes && counter is not null && PromptTokens.Count(body, tokenizer, counter) is { } prompt)
            return prompt.Estimate;
        return FromChars(TextChars(body, null));
    }

    /// <summary>Estimated completion tokens of what was forwarded (SSE events or a JSON body, possibly cut short).</summary>
    public static long Completion(ReadOnlyMemory<byte> body, bool eventStream, TokenizerKind tokenizer = TokenizerKind.Bytes, TextTokenCounter? counter = null)
    {
        var tally = new AnswerTally(tokenizer, counter is not null && counter.Ready(tokenizer) ? counter : null);
        if (!eventStream)
            tally.Add(body.Span);
        else
        {
            // The tally adds up as the events are read.
            foreach (var _ in SseEvents.Read(body, (_, data) => tally.Add(data)))
            {
            }
        }
        return tally.Tokens + FromChars(tally.UncountedChars);
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

    /// <summary>The answer text of JSON documents: counted with the tokenizer when there is one, else as characters.</summary>
    private sealed class AnswerTally(TokenizerKind tokenizer, TextTokenCounter? counter)
    {
        private TextBudget _budget = TextBudget.ForRequest();

        public long Tokens { get; private set; }

        public long UncountedChars { get; private set; }

        /// <summary>Adds the answer text of one JSON document (or event); returns true (a value for the SSE reader).</summary>
        public bool Add(ReadOnlySpan<byte> json)
        {
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
                        Text(ref reader);
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
            return true;
        }

        private void Text(ref Utf8JsonReader reader)
        {
            if (counter is not null && counter.Count(tokenizer, reader.GetString()!, ref _budget) is { } tokens)
                Tokens += tokens;
            else
                UncountedChars += Encoding.UTF8.GetCharCount(reader.ValueSpan);
        }
    }
}
