using System.Text;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// SentencePiece-style pre-tokenisation from tokenizer.json: optional whitespace splitting, then Metaspace
/// (spaces become <c>▁</c>, and a <c>▁</c> is prepended when the piece does not already start with one).
/// Produces one buffer and the (start, length) segments the Unigram model segments independently.
/// </summary>
internal sealed record MetaspacePreTokenizer(bool SplitOnWhitespace, bool Metaspace, char Replacement, bool PrependReplacement)
{
    public string PreTokenize(string text, List<(int Start, int Length)> segments)
    {
        segments.Clear();
        if (!SplitOnWhitespace)
        {
            var piece = Metaspace ? Apply(text) : text;
            segments.Add((0, piece.Length));
            return piece;
        }

        var buffer = new StringBuilder(text.Length + 8);
        var span = text.AsSpan();
        for (var i = 0; i < span.Length;)
        {
            while (i < span.Length && JsText.IsWhitespace(span[i]))
            {
                i++;
            }

            var start = i;
            while (i < span.Length && !JsText.IsWhitespace(span[i]))
            {
                i++;
            }

            if (i > start)
            {
                var word = text[start..i];
                var piece = Metaspace ? Apply(word) : word;
                segments.Add((buffer.Length, piece.Length));
                buffer.Append(piece);
            }
        }

        return buffer.ToString();
    }

    private string Apply(string text)
    {
        var replaced = text.Replace(' ', Replacement);
        return PrependReplacement && (replaced.Length == 0 || replaced[0] != Replacement) ? Replacement + replaced : replaced;
    }
}
