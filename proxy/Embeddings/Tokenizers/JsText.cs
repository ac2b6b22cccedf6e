using System.Globalization;
using System.Text;

namespace LlmGateway.Embeddings.Tokenizers;

/// <summary>
/// Character classes exactly as the reference tokenizer (@huggingface/transformers, JavaScript) defines them,
/// so token ids match it: JavaScript's <c>\s</c>, Unicode <c>\p{P}</c> plus ASCII symbols, <c>\p{Cc|Cf|Co|Cs}</c>,
/// and BERT's CJK ranges.
/// </summary>
internal static class JsText
{
    /// <summary>JavaScript <c>\s</c>: WhiteSpace and LineTerminator of ECMAScript.</summary>
    public static bool IsWhitespace(int cp) => cp switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or 0xA0 or 0x1680 or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000 or 0xFEFF => true,
        >= 0x2000 and <= 0x200A => true,
        _ => false,
    };

    /// <summary>BERT's punctuation: ASCII 33–47, 58–64, 91–96, 123–126, or Unicode category P*.</summary>
    public static bool IsPunctuation(int cp)
    {
        if (cp < 128)
        {
            return cp is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        }

        return Category(cp) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>Control as BertNormalizer's clean_text sees it (tab, newline and carriage return are not).</summary>
    public static bool IsControl(int cp)
    {
        if (cp is '\t' or '\n' or '\r')
        {
            return false;
        }

        return Category(cp) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate;
    }

    /// <summary>The CJK ideograph ranges BERT pads with spaces (only BMP ones: the reference checks UTF-16 units).</summary>
    public static bool IsChineseChar(char c) => c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF');

    public static UnicodeCategory Category(int cp) =>
        cp is >= 0xD800 and <= 0xDFFF ? UnicodeCategory.Surrogate : CharUnicodeInfo.GetUnicodeCategory(cp);

    /// <summary>Reads the code point at <paramref name="index"/>; a lone surrogate is returned as itself (length 1).</summary>
    public static int CodePointAt(ReadOnlySpan<char> text, int index, out int length)
    {
        var c = text[index];
        if (char.IsHighSurrogate(c) && index + 1 < text.Length && char.IsLowSurrogate(text[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(c, text[index + 1]);
        }

        length = 1;
        return c;
    }

    /// <summary>Number of code points (what JavaScript's <c>[...s].length</c> counts).</summary>
    public static int CodePointCount(ReadOnlySpan<char> text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; count++)
        {
            CodePointAt(text, i, out var n);
            i += n;
        }

        return count;
    }

    /// <summary>JavaScript's <c>String.prototype.trim</c>.</summary>
    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        var start = 0;
        while (start < text.Length && IsWhitespace(text[start]))
        {
            start++;
        }

        var end = text.Length;
        while (end > start && IsWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>Removes every code point of category Mn (or, with <paramref name="allMarks"/>, M*).</summary>
    public static string RemoveMarks(string text, bool allMarks)
    {
        var builder = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length;)
        {
            var cp = CodePointAt(text, i, out var n);
            var category = Category(cp);
            var isMark = category == UnicodeCategory.NonSpacingMark ||
                (allMarks && category is UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark);
            if (!isMark)
            {
                builder.Append(text, i, n);
            }

            i += n;
        }

        return builder.ToString();
    }
}
