using System.Globalization;
using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// Refuses a semantic hit between two questions that look alike but can mean different things: they
/// differ in a number ("2023" vs "2024"), in negation ("can I" vs "can't I"), or they use the same words
/// in another order ("Celsius to Fahrenheit" vs "Fahrenheit to Celsius"). Pure; cheap enough for every hit.
/// </summary>
internal static class LookAlikeGuard
{
    private static readonly HashSet<string> Negations = new(StringComparer.Ordinal)
    {
        "not", "no", "never", "none", "nothing", "nobody", "neither", "nor", "without", "cannot", "cant", "dont", "doesnt",
        "didnt", "isnt", "arent", "wasnt", "werent", "wont", "wouldnt", "shouldnt", "couldnt", "mustnt", "hasnt", "havent", "hadnt", "aint",
    };

    // Japanese negation endings and words (after NFKC).
    private static readonly string[] JapaneseNegations = ["ない", "ません", "なかった", "ず", "ぬ", "無い", "不", "非", "未"];

    public static bool Allows(string a, string b)
    {
        var x = Analyse(a);
        var y = Analyse(b);
        if (!x.Numbers.SequenceEqual(y.Numbers))
            return false;
        if (x.Negations % 2 != y.Negations % 2)
            return false;
        // Same words, other order: the order carries the meaning.
        return !(x.SortedWords.SequenceEqual(y.SortedWords) && !x.Words.SequenceEqual(y.Words));
    }

    private sealed record Analysis(List<string> Words, List<string> SortedWords, List<string> Numbers, int Negations);

    private static Analysis Analyse(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC).ToLowerInvariant().Replace("n't", " not").Replace("’", "'");
        var words = new List<string>();
        var numbers = new List<string>();
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
            var category = char.GetUnicodeCategory(c);
            if (char.IsLetterOrDigit(c) || c == '\'' || ((c == '.' || c == ',') && current.Length > 0 && char.IsDigit(current[^1])))
            {
                // Scripts without spaces: every ideograph/kana is a word of its own.
                if (IsCjk(c)) { Flush(); current.Append(c); Flush(); }
                else current.Append(c);
            }
            else if (category != UnicodeCategory.NonSpacingMark)
            {
                Flush();
            }
        }
        Flush();
        foreach (var ending in JapaneseNegations)
            negations += Count(normalized, ending);
        var sorted = words.Order(StringComparer.Ordinal).ToList();
        return new Analysis(words, sorted, numbers, negations);
    }

    private static bool IsCjk(char c) => c is >= '\u3040' and <= '\u30ff' or >= '\u3400' and <= '\u9fff' or >= '\uf900' and <= '\ufaff';

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal))
            count++;
        return count;
    }
}
