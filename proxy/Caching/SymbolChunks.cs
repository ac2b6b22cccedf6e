using System.Globalization;
using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// The meaningful symbols of a question, in place: each chunk between spaces that holds one, letters and all. So "i++" /
/// "++i", "a[:3]" / "a[3:]", "x?.Length" / "x.Length", "EUR/USD" / "USD/EUR", "🇦🇺" / "🇺🇦" (a flag is two letter symbols)
/// and "'$HOME'" / "\"$HOME\"" differ, where a sorted set of symbol characters (before 2026-12-03) made them equal. The
/// chunks stay in order, so "a && b || c" / "a || b && c" and "Is 🍎 healthier than 🍌?" / "Is 🍌 healthier than 🍎?" differ;
/// the price is that "the difference between x++ and ++x" / "… between ++x and x++" differ too (measured: 2 of 111 paraphrases
/// in a review's set, against 7 more false hits of 315 with sorted chunks). Sentence punctuation is prose: at a chunk's end,
/// or between two words with a space missing ("fuel,coal").
/// </summary>
internal static class SymbolChunks
{
    // Punctuation that does not change what is asked; of it, what ends a sentence, and quotes. After Analyse's NFKC and quote
    // folding, so no full-width "？！：；", curly quotes or "…" (three dots by then) are left to list.
    private const string Ignorable = ".,?!:;'\"`、。・「」『』";
    private const string SentenceEnd = ".,?!:;、。";
    private const string Quotes = "'\"`「」『』";

    /// <summary>
    /// The chunks of <paramref name="normalized"/> (as <see cref="LookAlikeGuard.Analyse"/> prepares it: NFKC, lower case, curly
    /// quotes folded) that hold a meaningful symbol, in order, joined by spaces.
    /// </summary>
    public static string Of(string normalized)
    {
        List<string>? chunks = null;
        normalized = WithOperatorsJoined(WithMissingSpaces(normalized));
        foreach (var range in normalized.AsSpan().SplitAny(" \t\r\n\u00a0\u3000"))
        {
            // Sentence punctuation at the end is prose. Quotes around the whole chunk count ("'$HOME'" / "\"$HOME\""), a quote
            // on one edge does not ("'git push -f'" / "git push -f").
            var chunk = normalized.AsSpan(range).TrimEnd(SentenceEnd);
            var core = chunk.Trim(Quotes);
            if (!(chunk.Length > 1 && Quotes.Contains(chunk[0]) && Quotes.Contains(chunk[^1])))
                chunk = core;
            if (chunk.IsEmpty || !HoldsSymbol(core) || IsAbbreviation(core))
                continue;
            // Letters of another script and its punctuation are left out: Japanese has no spaces, so a chunk can be a whole
            // sentence, whose letters the other-script rule compares.
            var kept = new StringBuilder(chunk.Length);
            foreach (var c in chunk)
            {
                if (!IsInvisible(c) && !(OtherScripts.IsOtherScript(c) && (char.IsLetter(c) || LookAlikeGuard.IsMark(c) || Ignorable.Contains(c))))
                    kept.Append(c);
            }
            // Nothing left (a chunk of another script's letters and its punctuation only) is no symbol.
            if (kept.Length > 0)
                (chunks ??= []).Add(kept.ToString());
        }
        return chunks is null ? "" : string.Join(' ', chunks);
    }

    // "fuel,coal" and "true?Is" are two words with a space missing, not a symbol ("." stays: "amazon.in", "x.length").
    private static string WithMissingSpaces(string text)
    {
        char[]? copy = null;
        for (var i = 1; i < text.Length - 1; i++)
        {
            if (text[i] is ',' or ';' or '?' or '!' && char.IsLetter(text[i - 1]) && char.IsLetter(text[i + 1]))
                (copy ??= text.ToCharArray())[i] = ' ';
        }
        return copy is null ? text : new string(copy);
    }

    // ASCII operators between spaces join their operands, so "2 + 2" / "2+2" and "x == y" / "x==y" agree.
    private static string WithOperatorsJoined(string text)
    {
        StringBuilder? joined = null;
        var copied = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!IsOperator(text[i]) || i < 2 || text[i - 1] != ' ' || !char.IsLetterOrDigit(text[i - 2]))
                continue;
            var end = i;
            while (end < text.Length && IsOperator(text[end]))
                end++;
            if (end + 1 >= text.Length || text[end] != ' ' || !char.IsLetterOrDigit(text[end + 1]))
                continue;
            joined ??= new StringBuilder(text.Length);
            joined.Append(text, copied, i - 1 - copied).Append(text, i, end - i);
            copied = end + 1;
            i = end;
        }
        return joined is null ? text : joined.Append(text, copied, text.Length - copied).ToString();
    }

    // The arrow is Analyse's one token for "->", "⇒" and "➡", so "x -> y" / "x->y" agree as "x + y" / "x+y" do.
    private static bool IsOperator(char c) => c is '+' or '-' or '*' or '/' or '=' or '<' or '>' or '!' or '&' or '|' or '%' or '^' or '~' || c == Polarity.Arrow[0];

    // "u.s", "a.m", "ph.d", "e.g": pieces of one or two letters joined by dots are an abbreviation, not a symbol.
    private static bool IsAbbreviation(ReadOnlySpan<char> chunk)
    {
        if (!chunk.Contains('.'))
            return false;
        foreach (var range in chunk.Split('.'))
        {
            var piece = chunk[range];
            if (piece.Length > 2 || !AllLetters(piece))
                return false;
        }
        return true;
    }

    private static bool AllLetters(ReadOnlySpan<char> piece)
    {
        foreach (var c in piece)
        {
            if (!char.IsLetter(c))
                return false;
        }
        return true;
    }

    // A symbol that is not sentence punctuation ("+", "#", "=", "/", an emoji), or punctuation inside the chunk that is not a
    // word's apostrophe or a number's separator ("x?.length", "a.b.com"). Invisible format characters (zero-width space,
    // soft hyphen) do not count: the tokenizer drops them too.
    private static bool HoldsSymbol(ReadOnlySpan<char> chunk)
    {
        for (var i = 0; i < chunk.Length; i++)
        {
            var c = chunk[i];
            if (char.IsLetterOrDigit(c) || IsInvisible(c) || LookAlikeGuard.IsMark(c))
                continue;
            if (Ignorable.IndexOf(c) < 0)
                return true;
            // Punctuation inside a chunk of another script ("ジョー・R") is prose.
            var between = i > 0 && i < chunk.Length - 1 && !OtherScripts.IsOtherScript(c);
            var apostrophe = c == '\'' && between && char.IsLetter(chunk[i - 1]) && char.IsLetter(chunk[i + 1]);
            var separator = c is '.' or ',' && between && char.IsDigit(chunk[i - 1]) && char.IsDigit(chunk[i + 1]);
            if (between && !apostrophe && !separator)
                return true;
        }
        return false;
    }

    private static bool IsInvisible(char c) => char.GetUnicodeCategory(c) == UnicodeCategory.Format;
}
