namespace LlmGateway.Caching;

/// <summary>
/// Text an English-vocabulary model cannot read (Japanese, Chinese, Korean, Thai, Arabic, ...: most of its letters are
/// not Latin, Greek or Cyrillic). Its cosines are no better than hashing's there, so such a pair is decided on its
/// characters instead: equal after normalisation (width, case, spacing, punctuation, polite sentence endings), or —
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

    /// <summary>What a routed pair is compared on: <see cref="HitFeatures.Letters"/> without a polite ending.</summary>
    public static string Key(string text) => WithoutPoliteEnding(HitFeatures.Letters(text));

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
        var a = WithoutPoliteEnding(asked.Letters);
        var b = WithoutPoliteEnding(stored.Letters);
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
