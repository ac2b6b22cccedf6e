using System.Globalization;

namespace LlmGateway.Caching;

/// <summary>
/// The numbers of a question as the look-alike guard compares them: in order ("10/2" / "2/10" differ). A word starting with
/// a digit gives its leading number ("5pm" → 5, "1,000" → 1000, "1990's" → 1990) and any digit runs after it; digits inside
/// a word give their runs ("x86" → 86); spelled-out numbers give digits, and adjacent ones combine ("three" → 3,
/// "twenty-five" → 25, "two hundred" → 200, "5 hundred" → 500). Not "one": "which one" is no number.
/// </summary>
internal sealed class QuestionNumbers
{
    private static readonly Dictionary<string, long> Spelled = new(StringComparer.Ordinal)
    {
        ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7, ["eight"] = 8, ["nine"] = 9, ["ten"] = 10,
        ["eleven"] = 11, ["twelve"] = 12, ["thirteen"] = 13, ["fourteen"] = 14, ["fifteen"] = 15, ["sixteen"] = 16, ["seventeen"] = 17,
        ["eighteen"] = 18, ["nineteen"] = 19, ["twenty"] = 20, ["thirty"] = 30, ["forty"] = 40, ["fifty"] = 50, ["sixty"] = 60,
        ["seventy"] = 70, ["eighty"] = 80, ["ninety"] = 90, ["hundred"] = 100, ["thousand"] = 1_000, ["million"] = 1_000_000,
        ["billion"] = 1_000_000_000,
    };

    private bool _afterNumber; // the last word was a number, with only spaces or hyphens since

    public List<string> Numbers { get; } = [];

    /// <summary>Reads one word (lower case); returns whether it holds a number.</summary>
    public bool Read(string word)
    {
        if (Spelled.TryGetValue(word, out var value))
        {
            if (!(_afterNumber && Combine(value)))
                Numbers.Add(value.ToString(CultureInfo.InvariantCulture));
            _afterNumber = true;
            return true;
        }
        var digits = 0;
        if (char.IsDigit(word[0]))
        {
            while (digits < word.Length && (char.IsDigit(word[digits]) || word[digits] is '.' or ','))
                digits++;
            Numbers.Add(word[..digits].TrimEnd('.', ',').Replace(",", "", StringComparison.Ordinal));
        }
        var runs = AddDigitRuns(word, digits);
        _afterNumber = digits > 0 || runs;
        return _afterNumber;
    }

    /// <summary>Something other than a space or a hyphen came after the last word: a number there stands alone.</summary>
    public void Break() => _afterNumber = false;

    // "twenty" + "five", "two" + "hundred", "two hundred" + "fifty": folded into the last number.
    private bool Combine(long value)
    {
        if (!long.TryParse(Numbers[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var last) || last == 0)
            return false;
        long? combined = value switch
        {
            >= 100 when last < value => last * value,
            < 10 when last is >= 20 and < 100 && last % 10 == 0 => last + value,
            < 100 when last >= 100 && last % 100 == 0 => last + value,
            _ => null,
        };
        if (combined is not { } number)
            return false;
        Numbers[^1] = number.ToString(CultureInfo.InvariantCulture);
        return true;
    }

    private bool AddDigitRuns(string word, int from)
    {
        var added = false;
        var start = -1;
        for (var i = from; i <= word.Length; i++)
        {
            var digit = i < word.Length && char.IsDigit(word[i]);
            if (digit && start < 0)
                start = i;
            else if (!digit && start >= 0)
            {
                Numbers.Add(word[start..i]);
                added = true;
                start = -1;
            }
        }
        return added;
    }
}
