using System.Text;
using System.Text.Json;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace LlmGateway.Budgets.Usage;

/// <summary>
/// The prompt tokens of a request body for a known tokenizer. <see cref="UpperBound"/> = the exact tokens of every
/// string in the body, property names included, + <see cref="PerMember"/> per object member + <see cref="PerElement"/>
/// per array element + <see cref="PerRequest"/> (+ <see cref="PerToolsBlock"/> with tools); a string too long to count
/// now is bounded by its UTF-8 bytes. It
/// covers OpenAI's chat template term by term (proof in README "The overspend bound"). <see cref="Estimate"/> is the
/// same with uncounted strings at 4 characters per token.
/// </summary>
internal readonly record struct PromptTokens(long UpperBound, long Estimate)
{
    /// <summary>Every reply is primed with <c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>.</summary>
    public const int PerRequest = 3;

    /// <summary>The end of the block the functions of <c>tools</c> (or <c>functions</c>) are rendered in.</summary>
    public const int PerToolsBlock = 12;

    /// <summary>A message's <c>&lt;|start|&gt;</c>, <c>&lt;|message|&gt;</c>, <c>&lt;|end|&gt;</c>; an enum item's 3.</summary>
    public const int PerElement = 3;

    /// <summary>A name's extra token; the <c>:</c> that joins a tool's name and description, or a parameter's name and type.</summary>
    public const int PerMember = 1;

    /// <summary>Null until <paramref name="kind"/>'s tokenizer is loaded (then bytes bound the prompt).</summary>
    public static PromptTokens? Count(JsonNode? body, TokenizerKind kind, TextTokenCounter counter)
    {
        if (!counter.Ready(kind))
            return null;
        var walk = new Walk(counter, kind);
        walk.Node(body);
        var known = walk.Tokens + PerRequest;
        return new PromptTokens(known + walk.UncountedBytes, known + TokenEstimator.FromChars(walk.UncountedChars));
    }

    private sealed class Walk(TextTokenCounter counter, TokenizerKind kind)
    {
        private TextBudget _budget = TextBudget.ForRequest();

        public long Tokens { get; private set; }

        public long UncountedBytes { get; private set; }

        public long UncountedChars { get; private set; }

        public void Node(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        Tokens += name is "tools" or "functions" ? PerMember + PerToolsBlock : PerMember;
                        Text(name);
                        Node(child);
                    }
                    break;
                case JsonArray array:
                    foreach (var child in array)
                    {
                        Tokens += PerElement;
                        Node(child);
                    }
                    break;
                case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                    if (value.TryGetValue<JsonElement>(out var element))
                        Json(JsonMarshal.GetRawUtf8Value(element)); // as parsed: no copy of a long prompt
                    else
                        Text(value.GetValue<string>());
                    break;
            }
        }

        private void Json(ReadOnlySpan<byte> jsonString)
        {
            if (counter.CountJson(kind, jsonString, ref _budget) is { } tokens)
            {
                Tokens += tokens;
                return;
            }
            // Escapes only lengthen text, so the JSON form's length bounds the text's UTF-8 bytes, and so its tokens.
            UncountedBytes += jsonString.Length - 2;
            UncountedChars += jsonString.Length - 2;
        }

        private void Text(string text)
        {
            if (counter.Count(kind, text, ref _budget) is { } tokens)
            {
                Tokens += tokens;
                return;
            }
            // A token covers at least one byte.
            UncountedBytes += Encoding.UTF8.GetByteCount(text);
            UncountedChars += text.Length;
        }
    }
}
