using System.Text;
using System.Text.RegularExpressions;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>Unicode normalisation form (NFC, NFD, NFKC, NFKD).</summary>
internal sealed record UnicodeFormNormalizer(NormalizationForm Form) : ITextNormalizer
{
    public string Normalize(string text) => BertNormalizer.SafeNormalize(text, Form);
}

/// <summary>
/// SentencePiece's <c>Precompiled</c> normaliser, as the reference (@huggingface/transformers) implements it:
/// drop control characters, turn listed spaces into U+0020, then NFKC (keeping U+FF5E). The real precompiled
/// character map is not interpreted; the reference does not interpret it either.
/// </summary>
internal sealed class PrecompiledNormalizer : ITextNormalizer
{
    public string Normalize(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is (>= '\u0001' and <= '\u0008') or '\u000B' or (>= '\u000E' and <= '\u001F') or '\u007F' or '\u008F' or '\u009F')
            {
                continue;
            }

            var space = c is '\u0009' or '\u000A' or '\u000C' or '\u000D' or '\u00A0' or '\u1680' or (>= '\u2000' and <= '\u200F')
                or '\u2028' or '\u2029' or '\u202F' or '\u205F' or '\u2581' or '\u3000' or '\uFEFF' or '\uFFFD';
            builder.Append(space ? ' ' : c);
        }

        var cleaned = builder.ToString();
        if (!cleaned.Contains('\uFF5E'))
        {
            return BertNormalizer.SafeNormalize(cleaned, NormalizationForm.FormKC);
        }

        return string.Join('\uFF5E', cleaned.Split('\uFF5E').Select(p => BertNormalizer.SafeNormalize(p, NormalizationForm.FormKC)));
    }
}

/// <summary>Lower-cases the text.</summary>
internal sealed class LowercaseNormalizer : ITextNormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}

/// <summary>Removes combining marks (the reference removes every \p{M}, without decomposing first).</summary>
internal sealed class StripAccentsNormalizer : ITextNormalizer
{
    public string Normalize(string text) => JsText.RemoveMarks(text, allMarks: true);
}

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

/// <summary>Replaces every match of a literal string or a regular expression.</summary>
internal sealed class ReplaceNormalizer(string? literal, Regex? regex, string content) : ITextNormalizer
{
    public string Normalize(string text) =>
        regex is not null ? regex.Replace(text, content) : string.IsNullOrEmpty(literal) ? text : text.Replace(literal, content, StringComparison.Ordinal);
}

/// <summary>Applies several normalisers in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<ITextNormalizer> steps) : ITextNormalizer
{
    public string Normalize(string text)
    {
        foreach (var step in steps)
        {
            text = step.Normalize(text);
        }

        return text;
    }
}

/// <summary>Adapts <see cref="BertNormalizer"/> to the normaliser pipeline.</summary>
internal sealed class BertTextNormalizer(BertNormalizer bert) : ITextNormalizer
{
    public string Normalize(string text)
    {
        char[]? scratch = null;
        try
        {
            return bert.Normalize(text, ref scratch).ToString();
        }
        finally
        {
            if (scratch is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(scratch);
            }
        }
    }
}
