namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Trims whitespace on the configured sides.</summary>
internal sealed record StripNormalizer(bool Left, bool Right) : ITextNormalizer
{
    public string Normalize(string text)
    {
        var span = text.AsSpan();
        var start = 0;
        var end = span.Length;
        while (Left && start < end && JsText.IsWhitespace(span[start]))
        {
            start++;
        }

        while (Right && end > start && JsText.IsWhitespace(span[end - 1]))
        {
            end--;
        }

        return start == 0 && end == span.Length ? text : text[start..end];
    }
}
