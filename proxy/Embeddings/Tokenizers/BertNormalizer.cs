using System.Buffers;
using System.Text;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// BERT's normaliser as the reference (@huggingface/transformers) applies it: clean_text (drop NUL, U+FFFD
/// and control/format characters; whitespace becomes a space), spaces around CJK ideographs, then lower-casing
/// and accent stripping (NFD, drop Mn) when configured. ASCII input takes an allocation-free path.
/// </summary>
internal sealed record BertNormalizer(bool CleanText, bool HandleChineseChars, bool Lowercase, bool? StripAccents)
{
    private bool Strip => Lowercase ? StripAccents != false : StripAccents == true;

    /// <summary>Normalises <paramref name="text"/>; the result is either a slice of <paramref name="scratch"/> or a new string.</summary>
    public ReadOnlySpan<char> Normalize(ReadOnlySpan<char> text, ref char[]? scratch)
    {
        if (Ascii.IsValid(text))
        {
            return NormalizeAscii(text, ref scratch);
        }

        return NormalizeUnicode(text);
    }

    private ReadOnlySpan<char> NormalizeAscii(ReadOnlySpan<char> text, ref char[]? scratch)
    {
        if (scratch is null || scratch.Length < text.Length)
        {
            if (scratch is not null)
            {
                ArrayPool<char>.Shared.Return(scratch);
            }

            scratch = ArrayPool<char>.Shared.Rent(Math.Max(text.Length, 256));
        }

        var count = 0;
        foreach (var c in text)
        {
            var ch = c;
            if (CleanText)
            {
                if (c is '\t' or '\n' or '\r' or ' ')
                {
                    ch = ' ';
                }
                else if (c < 32 || c == 127)
                {
                    continue;
                }
            }

            scratch[count++] = Lowercase && ch is >= 'A' and <= 'Z' ? (char)(ch | 0x20) : ch;
        }

        return scratch.AsSpan(0, count);
    }

    private string NormalizeUnicode(ReadOnlySpan<char> text)
    {
        var builder = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length;)
        {
            var cp = JsText.CodePointAt(text, i, out var n);
            var skip = false;
            var space = false;
            if (CleanText)
            {
                var loneSurrogate = n == 1 && char.IsSurrogate(text[i]);
                skip = cp == 0 || cp == 0xFFFD || loneSurrogate || JsText.IsControl(cp);
                space = !skip && JsText.IsWhitespace(cp);
            }

            if (space)
            {
                builder.Append(' ');
            }
            else if (!skip)
            {
                builder.Append(text.Slice(i, n));
            }

            i += n;
        }

        if (HandleChineseChars)
        {
            var padded = new StringBuilder(builder.Length + 16);
            for (var i = 0; i < builder.Length; i++)
            {
                var c = builder[i];
                if (JsText.IsChineseChar(c))
                {
                    padded.Append(' ').Append(c).Append(' ');
                }
                else
                {
                    padded.Append(c);
                }
            }

            builder = padded;
        }

        var result = builder.ToString();
        if (Lowercase)
        {
            result = result.ToLowerInvariant();
        }

        if (Strip)
        {
            result = JsText.RemoveMarks(SafeNormalize(result, NormalizationForm.FormD), allMarks: false);
        }

        return result;
    }

    /// <summary><see cref="string.Normalize(NormalizationForm)"/>, with lone surrogates replaced first (it throws on them).</summary>
    internal static string SafeNormalize(string text, NormalizationForm form)
    {
        try
        {
            return text.Normalize(form);
        }
        catch (ArgumentException)
        {
            var chars = text.ToCharArray();
            for (var i = 0; i < chars.Length; i++)
            {
                var pairedHigh = char.IsHighSurrogate(chars[i]) && i + 1 < chars.Length && char.IsLowSurrogate(chars[i + 1]);
                if (pairedHigh)
                {
                    i++;
                }
                else if (char.IsSurrogate(chars[i]))
                {
                    chars[i] = '\uFFFD';
                }
            }

            return new string(chars).Normalize(form);
        }
    }
}
