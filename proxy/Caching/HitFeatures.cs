using System.Globalization;
using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// The verifier's view of a candidate hit: the embedder's cosine and the look-alike guard's signals as numbers
/// instead of vetoes (how many content words one side lacks, how far shared words moved, ...). The names are
/// part of a shipped verifier's data: a verifier trained on other features is refused (<see cref="HitDecisionData"/>).
/// Word and character overlap get negative weights (QQP's and PAWS-X's hard negatives share most words), so texts equal
/// but for case, spacing and punctuation are served by a rule before the model is asked (<see cref="HitDecision"/>).
/// </summary>
internal static class HitFeatures
{
    /// <summary>
    /// Bump with any change to what a feature means; a verifier file names the version it was trained on. The veto features
    /// (<see cref="Vetoed"/>: 1, 2, 3) are the exception: a vetoed pair never reaches the model, so no shipped model splits on
    /// them (<c>HitVerifierTests</c>), and a veto may widen without a new version.
    /// </summary>
    public const int Version = 2;

    public static readonly string[] Names =
    [
        "cosine", "numbers_differ", "negation_differs", "symbols_differ", "names_one_side", "content_words_one_side",
        "content_words_one_side_max", "words_moved", "length_ratio", "word_jaccard", "char_trigram_dice", "question_word_differs",
        "cosine_x_content_words_one_side", "shorter_words", "word_count_difference", "first_word_differs",
    ];

    public static int Count => Names.Length;

    private static readonly string[] QuestionWords = ["what", "how", "why", "when", "where", "who", "which", "whom", "whose"];

    /// <summary>Writes the features of (asked, stored) at <paramref name="cosine"/> into <paramref name="features"/> (length <see cref="Count"/>).</summary>
    public static void Compute(string asked, string stored, double cosine, Span<float> features) => ComputeSameLetters(asked, stored, cosine, features);

    /// <summary>
    /// <see cref="Compute"/>, and whether the two texts are equal in letters and digits (<see cref="Letters"/>, which the
    /// trigram feature computes anyway), run by run (<see cref="Runs"/>): the hit decision's "same letters" rule.
    /// </summary>
    public static bool ComputeSameLetters(string asked, string stored, double cosine, Span<float> features) =>
        ComputeSameLetters(new HitText(asked), new HitText(stored), cosine, features);

    /// <summary><see cref="ComputeSameLetters(string, string, double, Span{float})"/> on texts analysed once (<see cref="HitText"/>).</summary>
    internal static bool ComputeSameLetters(HitText asked, HitText stored, double cosine, Span<float> features)
    {
        var x = asked.Analysis;
        var y = stored.Analysis;
        var oneSideX = LookAlikeGuard.UnsharedContentWords(x.Words, y.WordSet);
        var oneSideY = LookAlikeGuard.UnsharedContentWords(y.Words, x.WordSet);
        var (shared, moved) = LookAlikeGuard.SharedAndMoved(x, y);
        var longer = Math.Max(x.Words.Count, y.Words.Count);
        var union = x.Words.Count + y.Words.Count - shared;
        features[0] = (float)cosine;
        // Vetoes only (see Version), the guard's own rules: "negation" includes the other flips of meaning (Polarity), and
        // "symbols" words of another script and accents.
        features[1] = LookAlikeGuard.NumbersDiffer(x, y) ? 1 : 0;
        features[2] = LookAlikeGuard.NegationDiffers(x, y) ? 1 : 0;
        features[3] = LookAlikeGuard.SymbolsDiffer(x, y) ? 1 : 0;
        features[4] = Math.Min(3, OneSide(x.Names, y.Names));
        // Capped and compressed: the fifth unshared word says little more than the third.
        features[5] = MathF.Log(1 + oneSideX + oneSideY);
        features[6] = MathF.Log(1 + Math.Max(oneSideX, oneSideY));
        features[7] = Math.Min(4, moved);
        features[8] = longer == 0 ? 1 : Math.Min(x.Words.Count, y.Words.Count) / (float)longer;
        features[9] = union == 0 ? 1 : shared / (float)union;
        var lettersX = asked.Letters;
        var lettersY = stored.Letters;
        features[10] = Dice(lettersX, lettersY, 3);
        features[11] = QuestionWord(x.Words) == QuestionWord(y.Words) ? 0 : 1;
        features[12] = (float)cosine * features[5];
        // v2: short questions turn on a word ("Is it safe?"), long ones survive a rewording; what a question opens with often says what it asks.
        features[13] = MathF.Log(1 + Math.Min(x.Words.Count, y.Words.Count));
        features[14] = Math.Min(10, Math.Abs(x.Words.Count - y.Words.Count));
        features[15] = x.Words.Count > 0 && y.Words.Count > 0 && x.Words[0] == y.Words[0] ? 0 : 1;
        return lettersX == lettersY && Runs(asked.Text).SequenceEqual(Runs(stored.Text), StringComparer.Ordinal);
    }

    /// <summary>
    /// The letters of each run of letters, digits and apostrophes, run by run: so "in valid" / "invalid" and "every day" /
    /// "everyday" are left to the model, while "don't" / "dont", "self-harm" / "self harm" and "France ?" / "France?" stay
    /// the same letters. Compared only when the whole texts' letters are equal, which is rare.
    /// </summary>
    private static IEnumerable<string> Runs(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inRun = i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '\'' or '’' || char.GetUnicodeCategory(text[i]) == UnicodeCategory.NonSpacingMark);
            if (inRun && start < 0)
                start = i;
            else if (!inRun && start >= 0)
            {
                var letters = Letters(text[start..i]);
                start = -1;
                if (letters.Length > 0)
                    yield return letters;
            }
        }
    }

    /// <summary>
    /// The guard's exact rules stay vetoes before the learned part: different numbers (<see cref="LookAlikeGuard.NumbersDiffer"/>),
    /// negation or another flip of meaning (<see cref="LookAlikeGuard.NegationDiffers"/>), meaningful symbols, words of
    /// another script or accents (<see cref="LookAlikeGuard.SymbolsDiffer"/>), or two or more shared words moved ("Alice left
    /// Bob" / "Bob left Alice"). They are rare in the training pairs, so a learned weight would not hold them; a trap like
    /// "Is 7 prime?" / "Is 9 prime?" must be refused at any cosine.
    /// </summary>
    public static bool Vetoed(ReadOnlySpan<float> features) => features[1] != 0 || features[2] != 0 || features[3] != 0 || features[7] >= 2;

    /// <summary>Names present on one side only, counting both sides.</summary>
    private static int OneSide(List<string> a, List<string> b) => a.Count + b.Count - 2 * LookAlikeGuard.SharedCount(a, b);

    private static string? QuestionWord(List<string> words)
    {
        foreach (var w in words)
        {
            // "what's" asks what "what is" asks.
            var word = w.EndsWith("'s", StringComparison.Ordinal) ? w.AsSpan(0, w.Length - 2) : w;
            foreach (var question in QuestionWords)
            {
                if (word.SequenceEqual(question))
                    return question;
            }
        }
        return null;
    }

    /// <summary>Dice coefficient of the two texts' character trigrams after lower-casing and dropping spaces and punctuation.</summary>
    internal static float TrigramDice(string a, string b) => Dice(Letters(a), Letters(b), 3);

    /// <summary>Dice coefficient of character n-grams (multisets, n ≤ 4); texts shorter than n compare as wholes.</summary>
    internal static float Dice(string a, string b, int n)
    {
        if (a.Length < n || b.Length < n)
            return a == b ? 1 : 0;
        // The n-grams packed into integers, sorted and merged: no substrings, no dictionary (the verifier runs per candidate).
        var countA = a.Length - n + 1;
        var countB = b.Length - n + 1;
        Span<ulong> gramsA = countA <= 256 ? stackalloc ulong[countA] : new ulong[countA];
        Span<ulong> gramsB = countB <= 256 ? stackalloc ulong[countB] : new ulong[countB];
        Pack(a, n, gramsA);
        Pack(b, n, gramsB);
        gramsA.Sort();
        gramsB.Sort();
        int i = 0, j = 0, shared = 0;
        while (i < countA && j < countB)
        {
            if (gramsA[i] == gramsB[j]) { shared++; i++; j++; }
            else if (gramsA[i] < gramsB[j]) i++;
            else j++;
        }
        return 2f * shared / (countA + countB);
    }

    private static void Pack(string text, int n, Span<ulong> grams)
    {
        for (var i = 0; i < grams.Length; i++)
        {
            ulong gram = 0;
            for (var k = 0; k < n; k++)
                gram = (gram << 16) | text[i + k];
            grams[i] = gram;
        }
    }

    /// <summary>NFKC, lower case, letters and digits only.</summary>
    internal static string Letters(string text)
    {
        var normalized = text.Normalize(NormalizationForm.FormKC);
        var builder = new StringBuilder(normalized.Length);
        foreach (var c in normalized)
        {
            if (char.IsLetterOrDigit(c))
                builder.Append(char.ToLowerInvariant(c));
            else if (char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
                builder.Append(c);
        }
        return builder.ToString();
    }
}
