using System.Text;

namespace LlmGateway.Caching;

/// <summary>
/// Text an English-vocabulary model cannot read (Japanese, Chinese, Korean, Thai, Arabic, ...: most of its letters are
/// not Latin, Greek or Cyrillic). Its cosines are no better than hashing's there, so such a pair is decided on its
/// characters instead: equal after normalisation (width, case, spacing, punctuation, polite sentence endings, a
/// loanword's final long mark), or —
/// when the bench measured one — character-bigram similarity at a strict bar, with numbers and negation agreeing.
/// </summary>
internal static class OtherScripts
{
    /// <summary>A text is routed when at least this share of its letters is in another script.</summary>
    public const double RoutedShare = 0.3;

    // Sentence endings that make a Japanese question more or less polite without changing it (longest first), and what is
    // left of them: a past ending keeps its tense ("終わりましたか" / "終わりますか" ask "did it end?" / "will it end?").
    private static readonly (string Ending, string Kept)[] PoliteEndings =
    [..
        new[]
        {
            ("ますでしょうか", ""), ("でしょうか", ""), ("でしたか", "た"), ("ましたか", "た"), ("ました", "た"), ("でした", "た"), ("ですか", ""),
            ("ますか", ""), ("ください", ""), ("下さい", ""), ("です", ""), ("ます", ""), ("だろうか", ""), ("のか", ""), ("か", ""), ("よ", ""), ("ね", ""),
        }.OrderByDescending(e => e.Item1.Length)
    ];

    /// <summary>
    /// A character above U+04FF: outside the Latin, Greek and Cyrillic blocks the English models read. Coarse on purpose:
    /// Vietnamese letters with two diacritics (U+1EA0–U+1EF9) and polytonic Greek count too, which only makes the
    /// decision stricter for them.
    /// </summary>
    public static bool IsOtherScript(char c) => c > LastReadLetter;

    /// <summary>The last letter of the Latin, Greek and Cyrillic blocks (the end of Cyrillic).</summary>
    public const char LastReadLetter = '\u04ff';

    public static bool IsRouted(string text)
    {
        int letters = 0, other = 0;
        foreach (var c in text)
        {
            if (!char.IsLetter(c))
                continue;
            letters++;
            if (IsOtherScript(c))
                other++;
        }
        return letters > 0 && other >= RoutedShare * letters;
    }

    /// <summary>What a routed pair is compared on: <see cref="HitFeatures.Letters"/> without a polite ending, and katakana words without a final long mark.</summary>
    public static string Key(string text) => Comparable(HitFeatures.Letters(text));

    private static string Comparable(string letters) => WithoutFinalLongMarks(WithoutPoliteEnding(letters));

    // A loanword's final long mark is spelled both ways ("ソファ" / "ソファー", "コンピュータ" / "コンピューター": JIS Z 8301 drops
    // it, newspapers keep it). Only after three katakana, so "スキー" (ski) and "スキ" stay apart, and never inside a word ("ビール"
    // / "ビル": beer, building).
    private static string WithoutFinalLongMarks(string letters)
    {
        StringBuilder? kept = null;
        var copied = 0;
        for (var i = MinLongMarkWord; i < letters.Length; i++)
        {
            if (letters[i] != LongMark || (i + 1 < letters.Length && IsKatakana(letters[i + 1])) || !AllKatakana(letters.AsSpan(i - MinLongMarkWord, MinLongMarkWord)))
                continue;
            (kept ??= new StringBuilder(letters.Length)).Append(letters, copied, i - copied);
            copied = i + 1;
        }
        return kept is null ? letters : kept.Append(letters, copied, letters.Length - copied).ToString();
    }

    private const char LongMark = 'ー';
    private const int MinLongMarkWord = 3;

    private static bool IsKatakana(char c) => c is >= '\u30a1' and <= '\u30fa' or LongMark;

    private static bool AllKatakana(ReadOnlySpan<char> letters)
    {
        foreach (var c in letters)
        {
            if (!IsKatakana(c))
                return false;
        }
        return true;
    }

    private static string WithoutPoliteEnding(string letters)
    {
        foreach (var (ending, kept) in PoliteEndings)
        {
            if (letters.Length > ending.Length + 1 && letters.EndsWith(ending, StringComparison.Ordinal))
                return string.Concat(letters.AsSpan(0, letters.Length - ending.Length), kept);
        }
        return letters;
    }

    /// <summary>
    /// Whether a routed pair is the same question: the same meaningful symbols, and equal keys or character-bigram Dice ≥
    /// <paramref name="minBigramDice"/> (null: equal keys only) with the same numbers and negation parity.
    /// </summary>
    public static bool Allows(string asked, string stored, double? minBigramDice) => Allows(new HitText(asked), new HitText(stored), minBigramDice);

    /// <summary><see cref="Allows(string, string, double?)"/> on texts analysed once (<see cref="HitText"/>: the stored side's is kept on its entry).</summary>
    internal static bool Allows(HitText asked, HitText stored, double? minBigramDice)
    {
        var a = Comparable(asked.Letters);
        var b = Comparable(stored.Letters);
        if (a.Length == 0 || b.Length == 0)
            return false;
        var x = asked.Analysis;
        var y = stored.Analysis;
        // The key keeps letters and digits only, so meaningful symbols are compared apart ("Ｃ＋＋" / "C#" share the key "c").
        if (x.Symbols != y.Symbols)
            return false;
        if (a == b)
            return true;
        if (minBigramDice is not { } bar || HitFeatures.Dice(a, b, 2) < bar)
            return false;
        return x.Numbers.SequenceEqual(y.Numbers) && x.Negations % 2 == y.Negations % 2;
    }
}
