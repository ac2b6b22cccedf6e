using System.Buffers;
using System.Globalization;
using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// Refuses a semantic hit between two questions that look alike but can mean different things. They
/// must agree on: numbers, in order ("2023" vs "2024", "10/2" vs "2/10", "three" vs "four"), negation ("can I" vs "can't I")
/// and other flips of meaning (<see cref="Polarity"/>: "all" vs "some", "likely" vs "unlikely", "to London" vs "from
/// London"), symbols that carry meaning, in place (<see cref="SymbolChunks"/>: "C++" vs "C#", "=" vs "==", "i++" vs "++i"),
/// accents ("año" vs "ano"), words of another script inside English ("What does 呵呵 mean?"), and word order — when the shared
/// words appear in another order ("Alice left Bob" vs "Bob left Alice"), the order carries the meaning. Measured on the
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

    /// <summary>Moving this many shared words (or more) is a reordering that refuses the hit.</summary>
    private const int ReorderedWords = 2;

    public static bool Allows(string a, string b) => Allows(Analyse(a), Analyse(b));

    /// <summary><see cref="Allows(string, string)"/> on texts analysed already (<see cref="HitText"/>).</summary>
    internal static bool Allows(Analysis x, Analysis y)
    {
        if (NumbersDiffer(x, y) || NegationDiffers(x, y) || SymbolsDiffer(x, y))
            return false;
        // Names: "the youth of Pakistan" vs "the youth of Brazil" share every other word.
        if (!x.Names.SequenceEqual(y.Names))
            return false;
        // A content word on one side only ("dentistry" vs "journalism", "law of conservation of momentum"):
        // a lexical embedder cannot tell whether it changes the question, so the hit is refused.
        if (UnsharedContentWords(x.Words, y.WordSet) > 0 || UnsharedContentWords(y.Words, x.WordSet) > 0)
            return false;
        return SharedAndMoved(x, y).Moved < ReorderedWords;
    }

    // The exact rules, shared with the verifier's veto features (HitFeatures 1, 2, 3).

    /// <summary>Different numbers, or the same in another order.</summary>
    internal static bool NumbersDiffer(Analysis x, Analysis y) => !x.Numbers.SequenceEqual(y.Numbers);

    /// <summary>Negation parity, or another flip of meaning (<see cref="Polarity"/>: an opposite, a negating prefix, a direction).</summary>
    internal static bool NegationDiffers(Analysis x, Analysis y) => x.Negations % 2 != y.Negations % 2 || Polarity.Differs(x, y);

    /// <summary>Meaningful symbols in place, words of another script, or accents.</summary>
    internal static bool SymbolsDiffer(Analysis x, Analysis y) => x.Symbols != y.Symbols || OtherScriptDiffers(x, y) || AccentsDiffer(x, y);

    /// <summary>What the guard compares in one text; <see cref="HitFeatures"/> turns two of them into the verifier's features.</summary>
    /// <param name="WordSet">The distinct words, so that comparing two long texts stays linear.</param>
    /// <param name="Numbers">Numbers in order (<see cref="QuestionNumbers"/>).</param>
    /// <param name="Symbols">The chunks (between spaces) that hold a meaningful symbol, in order (<see cref="SymbolChunks"/>).</param>
    /// <param name="Governed">What direction words point at, for <see cref="Polarity"/>: "to London", "than Venus".</param>
    /// <param name="Accented">The distinct words with an accented Latin, Greek or Cyrillic letter, sorted (the models strip accents).</param>
    /// <param name="OtherScript">The distinct runs of another script's letters and marks (<see cref="OtherScripts.IsOtherScript"/>), sorted.</param>
    /// <param name="Routed">The text goes to <see cref="OtherScripts"/> (<see cref="OtherScripts.IsRouted"/>).</param>
    /// <param name="Roles">The words with each object pronoun read in subject case ("me" as "i"), for <see cref="RolesSwapped"/>; null when there is none.</param>
    internal sealed record Analysis(List<string> Words, HashSet<string> WordSet, List<string> Numbers, string Symbols, List<string> Names, int Negations,
        List<string> OtherScript, bool Routed, Polarity.Pointers? Governed, List<string> Accented, List<string>? Roles);

    /// <summary>
    /// Two texts the other-script rule does not route whose runs of another script differ ("What does 呵呵 mean?" / "What
    /// does 即将 mean?", "蜂蜜" / "蜜蜂"). The English models read most such letters as <c>[UNK]</c> and drop their marks
    /// (Thai tones, Devanagari vowel signs), so the pair can sit at cosine 1.000, and the verifier's word features say
    /// nothing about it either. Runs are compared as sets, so a name repeated on one side only still matches.
    /// </summary>
    internal static bool OtherScriptDiffers(Analysis x, Analysis y) =>
        !x.Routed && !y.Routed && !x.OtherScript.SequenceEqual(y.OtherScript, StringComparer.Ordinal);

    /// <summary>
    /// Words spelled with different accents ("año" / "ano", "pêche" / "péché", "résumé" / "resume"): the models strip
    /// accents, so such a pair sits at cosine 1.000. Compared as sets of the words that carry one.
    /// </summary>
    internal static bool AccentsDiffer(Analysis x, Analysis y) => !x.Accented.SequenceEqual(y.Accented, StringComparer.Ordinal);

    internal static Analysis Analyse(string text)
    {
        // Curly quotes first, so "needn’t" is expanded too and “x” compares as "x"; arrows become one token, a direction (Polarity).
        var normalized = WithExponentsMarked(text).Normalize(NormalizationForm.FormKC).ToLowerInvariant().Replace('’', '\'').Replace('‘', '\'').Replace('“', '"')
            .Replace('”', '"').Replace('\u2212', '-').Replace("n't", " not").Replace("->", Polarity.Arrow).Replace("⇒", Polarity.Arrow).Replace("➡", Polarity.Arrow);
        var words = new List<string>();
        var tokens = new List<string>();
        var numbers = new QuestionNumbers();
        List<string>? accented = null;
        List<string>? otherScript = null; // most text has none: no allocation
        var run = new StringBuilder();
        var negations = 0;
        var current = new StringBuilder();
        var hasAccent = false;
        void Flush()
        {
            if (current.Length == 0) return;
            var word = current.ToString();
            current.Clear();
            if (!numbers.Read(word) && Negations.Contains(word.Replace("'", "")))
                negations++;
            if (hasAccent)
                (accented ??= []).Add(word);
            hasAccent = false;
            words.Add(word);
            tokens.Add(word);
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
                hasAccent |= IsAccented(c);
                continue;
            }
            Flush();
            if (!char.IsWhiteSpace(c) && c != '-')
                numbers.Break();
            if (c == Polarity.Arrow[0])
                tokens.Add(Polarity.Arrow);
        }
        Flush();
        foreach (var ending in JapaneseNegations)
            negations += Count(normalized, ending);
        if (run.Length > 0)
            (otherScript ??= []).Add(run.ToString());
        List<string> runs = otherScript is null ? [] : [.. otherScript.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        List<string> accents = accented is null ? [] : [.. accented.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        return new Analysis(words, new HashSet<string>(words, StringComparer.Ordinal), numbers.Numbers, SymbolChunks.Of(normalized), Names(text),
            negations, runs, OtherScripts.IsRouted(text), Polarity.Governed(tokens), accents, HasObjectPronoun(words) ? words.ConvertAll(SubjectForm) : null);
    }

    // Latin, Greek or Cyrillic letters with a diacritic ("é" decomposes into "e" and a combining mark), found once.
    private const char FirstAccented = '\u00c0', LastAccented = OtherScripts.LastReadLetter;
    private static readonly bool[] Accented = [.. Enumerable.Range(FirstAccented, LastAccented - FirstAccented + 1)
        .Select(c => char.IsLetter((char)c) && ((char)c).ToString().Normalize(NormalizationForm.FormD).Length > 1)];

    /// <summary>
    /// A run of superscripts becomes "^" and the run, before NFKC folds "x²" into "x2": an exponent is a meaningful symbol
    /// ("x² + 1" / "x2 + 1"), and "x²" / "x^2" agree ("10⁻³" / "10^-3" too: NFKC's minus sign counts as "-"). Subscripts
    /// are left to NFKC: "H₂O" asks what "H2O" asks.
    /// </summary>
    internal static string WithExponentsMarked(string text)
    {
        if (text.AsSpan().IndexOfAny(Superscripts) < 0)
            return text;
        var marked = new StringBuilder(text.Length + 4);
        for (var i = 0; i < text.Length; i++)
        {
            if (Superscripts.Contains(text[i]) && (i == 0 || !Superscripts.Contains(text[i - 1])))
                marked.Append('^');
            marked.Append(text[i]);
        }
        return marked.ToString();
    }

    // ¹²³, the superscripts block (⁰ⁱ⁴…⁹⁺⁻⁼⁽⁾ⁿ) and modifier letters ("2ˣ", "Aᵀ"), which NFKC folds into plain ones.
    private static readonly SearchValues<char> Superscripts = SearchValues.Create(
        [.. "¹²³", .. Range('\u2070', '\u207f'), .. Range('\u02b0', '\u02b8'), .. Range('\u02e0', '\u02e4'), .. Range('\u1d2c', '\u1d6a')]);

    private static IEnumerable<char> Range(char first, char last) => Enumerable.Range(first, last - first + 1).Select(c => (char)c);

    private static bool IsAccented(char c) => c is >= FirstAccented and <= LastAccented && Accented[c - FirstAccented];

    internal static bool IsMark(char c) =>
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

    /// <summary>Content words (not <see cref="FunctionWords"/>) of <paramref name="words"/> that <paramref name="other"/> lacks.</summary>
    internal static int UnsharedContentWords(List<string> words, HashSet<string> other)
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
        if (a.Count > MatchedInPlace || b.Count > MatchedInPlace)
            return SharedCountByCounting(a, b);
        // A question's few words are matched in place: no dictionary for every candidate.
        Span<bool> taken = stackalloc bool[a.Count];
        taken.Clear(); // zeroed today; kept so under SkipLocalsInit too
        var shared = 0;
        foreach (var w in b)
        {
            for (var i = 0; i < a.Count; i++)
            {
                if (!taken[i] && a[i] == w)
                {
                    taken[i] = true;
                    shared++;
                    break;
                }
            }
        }
        return shared;
    }

    // Up to this many words a side, SharedCount compares every pair (at most 64², cheaper than a dictionary at question sizes).
    private const int MatchedInPlace = 64;

    private static int SharedCountByCounting(List<string> a, List<string> b)
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

    /// <summary>
    /// How many words the two share (counting repeats), and how many of those are out of order: shared words minus the
    /// longest common subsequence, over the first <see cref="OrderedWords"/> words of each text only, so a long prompt costs
    /// at most that squared.
    /// </summary>
    internal static (int Shared, int Moved) SharedAndMoved(Analysis x, Analysis y)
    {
        var (a, b) = (x.Words, y.Words);
        var shared = SharedCount(a, b);
        if (IsSwap(a, b))
            return (shared, ReorderedWords);
        if (a.Count <= OrderedWords && b.Count <= OrderedWords)
        {
            var moved = shared - LongestCommonSubsequence(a, b);
            return (shared, moved < ReorderedWords && RolesSwapped(x, y) ? ReorderedWords : moved);
        }
        var (firstA, firstB) = (a.Count > OrderedWords ? a[..OrderedWords] : a, b.Count > OrderedWords ? b[..OrderedWords] : b);
        return (shared, SharedCount(firstA, firstB) - LongestCommonSubsequence(firstA, firstB));
    }

    /// <summary>
    /// Two words that trade places around others, the rest unchanged: "What percentage of terrorists are Muslims?" / "…
    /// of Muslims are terrorists?", "Do Mexican girls like black guys?" / "Do black girls like Mexican guys?". Both words
    /// moved, though the longest common subsequence keeps one of them (it counted one). Side by side ("earn money fast
    /// online" / "online fast", "River Slatina" / "Slatina River") or joined by "and" / "or" ("India and Pakistan") the
    /// order rarely matters, and a plural on one side is the same word ("Muslim" / "Muslims").
    /// </summary>
    internal static bool IsSwap(List<string> a, List<string> b)
    {
        if (a.Count != b.Count)
            return false;
        int first = -1, second = -1;
        for (var k = 0; k < a.Count; k++)
        {
            if (SameWord(a[k], b[k]))
                continue;
            if (first < 0) first = k;
            else if (second < 0) second = k;
            else return false;
        }
        if (second - first < 2 || !SameWord(a[first], b[second]) || !SameWord(a[second], b[first]))
            return false;
        if (FunctionWords.IsFunctionWord(a[first]) && FunctionWords.IsFunctionWord(a[second]))
            return false;
        for (var k = first + 1; k < second; k++)
        {
            if (a[k] is "and" or "or" or "nor" or "vs" or "versus")
                return false;
        }
        return true;
    }

    /// <summary>
    /// Who does what to whom, swapped along with a pronoun's case: "Should I lend my brother money?" / "Should my brother
    /// lend me money?", "What should I get her?" / "What should she get me?". Read with "me" as "I", "her" as "she" and so
    /// on, the words are a swap or two of them moved. Only ever raises the count to the veto's, so the verifier's
    /// word-order feature is unchanged wherever the verifier decides. A passive rewording is refused too ("someone
    /// blocked me" / "I was blocked by someone": one right QQP hit in the bench's sets).
    /// </summary>
    private static bool RolesSwapped(Analysis a, Analysis b)
    {
        if (a.Roles is null && b.Roles is null)
            return false;
        var (x, y) = (a.Roles ?? a.Words, b.Roles ?? b.Words);
        return IsSwap(x, y) || SharedCount(x, y) - LongestCommonSubsequence(x, y) >= ReorderedWords;
    }

    private static readonly Dictionary<string, string> SubjectForms = new(StringComparer.Ordinal)
    {
        ["me"] = "i", ["him"] = "he", ["her"] = "she", ["us"] = "we", ["them"] = "they", ["whom"] = "who",
    };

    private static string SubjectForm(string word) => SubjectForms.GetValueOrDefault(word, word);

    private static bool HasObjectPronoun(List<string> words)
    {
        foreach (var word in words)
        {
            if (SubjectForms.ContainsKey(word))
                return true;
        }
        return false;
    }

    /// <summary>Equal, or one is the other with "s" or "es" added (both longer than 3 letters); no string is built.</summary>
    private static bool SameWord(string x, string y) => x == y || (x.Length > 3 && y.Length > 3 && (PluralOf(x, y) || PluralOf(y, x)));

    private static bool PluralOf(string plural, string word) =>
        plural.StartsWith(word, StringComparison.Ordinal) && plural.AsSpan(word.Length) is "s" or "es";

    // The models read at most 256 tokens; past this many words the order is not compared.
    private const int OrderedWords = 300;

    private static int LongestCommonSubsequence(List<string> a, List<string> b)
    {
        // Two rows of at most OrderedWords + 1 counts: on the stack.
        var width = b.Count + 1;
        Span<int> previous = width <= OrderedWords + 1 ? stackalloc int[width] : new int[width];
        Span<int> current = width <= OrderedWords + 1 ? stackalloc int[width] : new int[width];
        previous.Clear(); // the first row and column must be 0, also under SkipLocalsInit
        current.Clear();
        for (var i = 1; i <= a.Count; i++)
        {
            for (var j = 1; j <= b.Count; j++)
                current[j] = a[i - 1] == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            var row = previous;
            previous = current;
            current = row;
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
