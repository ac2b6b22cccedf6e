using System.Globalization;
using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// Refuses a semantic hit between two questions that look alike but can mean different things. They
/// must agree on: numbers ("2023" vs "2024"), negation ("can I" vs "can't I"), symbols that carry meaning
/// ("C++" vs "C#", "=" vs "=="), words of another script inside English ("What does 呵呵 mean?"), and word
/// order — when the shared words appear in another order ("Celsius to Fahrenheit" vs "Fahrenheit to Celsius"), the order
/// carries the meaning. Measured on the
/// labelled sets by the <c>cache-quality</c> bench (proxy/Caching/README.md). Pure and allocation-light.
/// </summary>
internal static class LookAlikeGuard
{
    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "cant", "dont", "doesnt",
        "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "mustnt", "hasnt", "havent", "hadnt", "aint",
    };

    // Japanese negation (after NFKC); counted as substrings, compared by parity.
    private static readonly string[] JapaneseNegations = ["ない", "ません", "なかった", "ず", "ぬ", "無い", "不", "非", "未"];

    // Punctuation that does not change what is asked.
    private const string Ignorable = ".,?!:;'\"`’‘“”、。？！：；・「」『』…";

    /// <summary>Moving this many shared words (or more) is a reordering that refuses the hit.</summary>
    private const int ReorderedWords = 2;

    public static bool Allows(string a, string b) => Allows(Analyse(a), Analyse(b));

    /// <summary><see cref="Allows(string, string)"/> on texts analysed already (<see cref="HitText"/>).</summary>
    internal static bool Allows(Analysis x, Analysis y)
    {
        if (!x.Numbers.SequenceEqual(y.Numbers))
            return false;
        if (x.Negations % 2 != y.Negations % 2)
            return false;
        if (!x.Symbols.SequenceEqual(y.Symbols) || OtherScriptDiffers(x, y))
            return false;
        // Names: "the youth of Pakistan" vs "the youth of Brazil" share every other word.
        if (!x.Names.SequenceEqual(y.Names))
            return false;
        // A content word on one side only ("dentistry" vs "journalism", "law of conservation of momentum"):
        // a lexical embedder cannot tell whether it changes the question, so the hit is refused.
        if (HasUnsharedContentWord(x.Words, y.Words) || HasUnsharedContentWord(y.Words, x.Words))
            return false;
        var shared = SharedCount(x.Words, y.Words);
        return shared - LongestCommonSubsequence(x.Words, y.Words) < ReorderedWords;
    }

    /// <summary>What the guard compares in one text; <see cref="HitFeatures"/> turns two of them into the verifier's features.</summary>
    /// <param name="OtherScript">The distinct runs of another script's letters and marks (<see cref="OtherScripts.IsOtherScript"/>), sorted.</param>
    /// <param name="Routed">The text goes to <see cref="OtherScripts"/> (<see cref="OtherScripts.IsRouted"/>).</param>
    internal sealed record Analysis(List<string> Words, List<string> Numbers, string Symbols, List<string> Names, int Negations, List<string> OtherScript, bool Routed);

    /// <summary>
    /// Two texts the other-script rule does not route whose runs of another script differ ("What does 呵呵 mean?" / "What
    /// does 即将 mean?", "蜂蜜" / "蜜蜂"). The English models read most such letters as <c>[UNK]</c> and drop their marks
    /// (Thai tones, Devanagari vowel signs), so the pair can sit at cosine 1.000, and the verifier's word features say
    /// nothing about it either. Runs are compared as sets, so a name repeated on one side only still matches.
    /// </summary>
    internal static bool OtherScriptDiffers(Analysis x, Analysis y) =>
        !x.Routed && !y.Routed && !x.OtherScript.SequenceEqual(y.OtherScript, StringComparer.Ordinal);

    internal static Analysis Analyse(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Replace("n't", " not").Replace("’", "'");
        var words = new List<string>();
        var numbers = new List<string>();
        var symbols = new List<char>();
        List<string>? otherScript = null; // most text has none: no allocation
        var run = new StringBuilder();
        var negations = 0;
        var current = new StringBuilder();
        void Flush()
        {
            if (current.Length == 0) return;
            var word = current.ToString();
            current.Clear();
            if (char.IsDigit(word[0]))
                numbers.Add(word.TrimEnd('.', ','));
            else if (Negations.Contains(word.Replace("'", "")))
                negations++;
            words.Add(word);
        }
        foreach (var c in normalized)
        {
            if (OtherScripts.IsOtherScript(c) && (char.IsLetter(c) || IsMark(c)))
                run.Append(c);
            else if (run.Length > 0)
            {
                (otherScript ??= []).Add(run.ToString());
                run.Clear();
            }
            if (char.IsLetterOrDigit(c) || c == '\'' || ((c == '.' || c == ',') && current.Length > 0 && char.IsDigit(current[^1])))
            {
                // Scripts without spaces: every ideograph or kana is a word of its own.
                if (IsCjk(c)) { Flush(); current.Append(c); Flush(); }
                else current.Append(c);
                continue;
            }
            Flush();
            if (!char.IsWhiteSpace(c) && Ignorable.IndexOf(c) < 0 && char.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
                symbols.Add(c);
        }
        Flush();
        foreach (var ending in JapaneseNegations)
            negations += Count(normalized, ending);
        numbers.Sort(StringComparer.Ordinal);
        symbols.Sort();
        if (run.Length > 0)
            (otherScript ??= []).Add(run.ToString());
        List<string> runs = otherScript is null ? [] : [.. otherScript.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new Analysis(words, numbers, new string([.. symbols]), Names(text), negations, runs, OtherScripts.IsRouted(text));
    }

    private static bool IsMark(char c) =>
        CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    /// <summary>Capitalised words that do not start a sentence (names, products, places), lower-cased and sorted.</summary>
    private static List<string> Names(string text)
    {
        var names = new List<string>();
        var sentenceStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!char.IsLetter(c))
            {
                if (c is '.' or '?' or '!' or '\n' or ':') sentenceStart = true;
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '\'' || text[i] == '-')) i++;
            var word = text[start..i];
            if (!sentenceStart && char.IsUpper(word[0]) && word != "I" && !word.StartsWith("I'", StringComparison.Ordinal))
                names.Add(word.ToLowerInvariant());
            sentenceStart = false;
        }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static bool HasUnsharedContentWord(List<string> words, List<string> other) => UnsharedContentWords(words, other) > 0;

    /// <summary>Content words (not <see cref="FunctionWords"/>) of <paramref name="words"/> that <paramref name="other"/> lacks.</summary>
    internal static int UnsharedContentWords(List<string> words, List<string> other)
    {
        var count = 0;
        foreach (var word in words)
        {
            if (!FunctionWords.IsFunctionWord(word) && !other.Contains(word))
                count++;
        }
        return count;
    }

    /// <summary>How many words the two share, counting repeats (multiset intersection).</summary>
    internal static int SharedCount(List<string> a, List<string> b)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var w in a) counts[w] = counts.GetValueOrDefault(w) + 1;
        var shared = 0;
        foreach (var w in b)
        {
            if (counts.TryGetValue(w, out var n) && n > 0)
            {
                counts[w] = n - 1;
                shared++;
            }
        }
        return shared;
    }

    internal static int LongestCommonSubsequence(List<string> a, List<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            (previous, current) = (current, previous);
        }
        return previous[b.Count];
    }

    internal static bool IsCjk(char c) => c is >= '\u3040' and <= '\u30ff' or >= '\u3400' and <= '\u9fff' or >= '\uf900' and <= '\ufaff';

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
