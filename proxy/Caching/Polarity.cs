namespace LlmGateway.Caching;

/// <summary>
/// Flips of meaning that leave a question's words and their embedding nearly unchanged, so neither the model's cosine nor
/// the verifier's word features see them (an adversarial review served all of these at cosine 0.94–0.99):
/// <list type="bullet">
/// <item>an opposite on each side: "Are all swans white?" / "Are some swans white?", "lights on" / "lights off", "today" /
/// "tomorrow", "aspirin and warfarin" / "aspirin or warfarin"; most of these are function words, which the verifier's
/// content-word features skip;</item>
/// <item>a negating prefix: "likely" / "unlikely", "legal" / "illegal";</item>
/// <item>a shared word governed by another direction: "flights to London" / "flights from London", "Paris to London" /
/// "to Paris from London", "New York → Boston" / "Boston → New York", "X bigger than Y" / "Y bigger than X".</item>
/// </list>
/// Words come from <see cref="LookAlikeGuard.Analysis"/> (lower-cased, "n't" expanded).
/// </summary>
internal static class Polarity
{
    // Each pair is an opposite when one word is on one side only, the other on the other side only, and both point at the same
    // word ("all rows" / "some rows"; not "of all time" / "some of the greatest"). To and from are directions instead (below):
    // "to" is also an infinitive.
    private static readonly (string, string)[] Opposites =
    [
        ("all", "some"), ("all", "any"), ("all", "few"), ("every", "some"), ("every", "any"), ("always", "sometimes"), ("always", "rarely"),
        ("often", "rarely"), ("often", "seldom"), ("most", "least"), ("more", "less"), ("more", "fewer"), ("and", "or"),
        ("must", "may"), ("must", "can"), ("must", "could"), ("must", "might"),
        ("on", "off"), ("in", "out"), ("up", "down"), ("inside", "outside"), ("before", "after"), ("over", "under"), ("above", "below"),
        ("except", "including"), ("except", "like"), ("first", "last"), ("next", "previous"), ("next", "last"),
        ("today", "tomorrow"), ("today", "yesterday"), ("tomorrow", "yesterday"), ("tonight", "yesterday"), ("tonight", "tomorrow"),
        ("max", "min"), ("maximum", "minimum"), ("increase", "decrease"), ("increasing", "decreasing"), ("cause", "prevent"),
        ("enable", "disable"), ("start", "stop"), ("open", "close"), ("buy", "sell"), ("import", "export"), ("upload", "download"),
        ("encrypt", "decrypt"), ("add", "remove"), ("push", "pull"), ("upper", "lower"), ("best", "worst"), ("better", "worse"),
        ("win", "lose"), ("high", "low"), ("higher", "lower"), ("input", "output"), ("send", "receive"), ("lend", "borrow"),
        ("left", "right"), ("north", "south"), ("east", "west"), ("true", "false"), ("positive", "negative"), ("plus", "minus"),
        ("long", "short"), ("longer", "shorter"), ("heavy", "light"), ("heavier", "lighter"), ("big", "small"), ("bigger", "smaller"),
        ("large", "small"), ("larger", "smaller"), ("fast", "slow"), ("faster", "slower"), ("old", "young"), ("older", "younger"),
        ("cheap", "expensive"), ("cheaper", "expensive"), ("hot", "cold"), ("hotter", "colder"), ("warm", "cool"), ("warmer", "cooler"),
        ("strong", "weak"), ("stronger", "weaker"), ("easy", "hard"), ("easier", "harder"), ("early", "late"), ("earlier", "later"),
        ("upstream", "downstream"), ("rise", "set"), ("sunrise", "sunset"), ("gain", "lose"), ("profit", "loss"), ("rich", "poor"),
        ("full", "empty"), ("arrive", "depart"), ("arrival", "departure"), ("enter", "exit"), ("entry", "exit"), ("accept", "reject"),
        ("allow", "deny"), ("allow", "block"), ("top", "bottom"), ("front", "back"), ("begin", "end"), ("start", "end"), ("good", "bad"),
    ];

    // Any two members of a group are opposites too (same rule): "boil an egg for 6 minutes" / "for 6 hours".
    private static readonly string[][] Groups =
    [
        ["second", "seconds", "minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years", "decade", "decades"],
        ["mm", "cm", "meter", "meters", "metre", "metres", "km", "kilometer", "kilometers", "mile", "miles", "inch", "inches", "foot", "feet", "yard", "yards"],
        ["gram", "grams", "kg", "kilogram", "kilograms", "pound", "pounds", "lb", "lbs", "ounce", "ounces", "oz", "ton", "tons", "tonne", "tonnes"],
        ["celsius", "fahrenheit", "kelvin"],
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
        ["january", "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"],
    ];

    private static readonly Dictionary<string, List<string>> OppositesOf = BuildOpposites();

    private static readonly string[] NegatingPrefixes = ["un", "in", "im", "il", "ir", "dis", "non"];

    // Words that point a shared word one way; synonyms share a class ("to" and "into"), so "convert a PDF to/into Word" agree.
    /// <summary>What <see cref="LookAlikeGuard.Analyse"/> puts among the tokens for an arrow (→, ->, ⇒, ➡): a direction of its own.</summary>
    public const string Arrow = "→";

    private static readonly Dictionary<string, string> Directions = new(StringComparer.Ordinal)
    {
        ["to"] = "to", ["into"] = "to", ["onto"] = "to", ["toward"] = "to", ["towards"] = "to", [Arrow] = Arrow,
        ["from"] = "from", ["than"] = "than", ["before"] = "before", ["after"] = "after",
        ["over"] = "over", ["above"] = "over", ["under"] = "under", ["below"] = "under", ["beneath"] = "under",
    };

    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "this", "that", "these", "those", "of",
    };

    // A negating prefix counts only before a word this long, so "into" is not "in" + "to".
    private const int ShortestNegatedWord = 4;

    /// <summary>Whether the two texts differ by an opposite, a negating prefix or a direction (see the class summary).</summary>
    public static bool Differs(LookAlikeGuard.Analysis x, LookAlikeGuard.Analysis y) =>
        OppositeOnEachSide(x.Words, y.Words) || DirectionDiffers(x.Governed, y.Governed, x.Words, y.Words);

    /// <summary>
    /// (direction class, word) for each content word a direction word points at: the next token that is not a determiner.
    /// <paramref name="tokens"/> are the text's words and arrows in order.
    /// </summary>
    public static List<(string Direction, string Word)> Governed(List<string> tokens)
    {
        var governed = new List<(string, string)>();
        string? pending = null;
        foreach (var token in tokens)
        {
            if (Directions.TryGetValue(token, out var direction))
                pending = direction;
            else if (pending is not null && !Determiners.Contains(token))
            {
                if (!FunctionWords.IsFunctionWord(token))
                    governed.Add((pending, token));
                pending = null;
            }
        }
        return governed;
    }

    private static bool OppositeOnEachSide(List<string> x, List<string> y)
    {
        foreach (var word in x)
        {
            if (y.Contains(word))
                continue;
            if (OppositesOf.TryGetValue(word, out var opposites) &&
                opposites.Exists(o => y.Contains(o) && !x.Contains(o) && NextWord(x, word) == NextWord(y, o)))
                return true;
            if (NegatedOnOtherSide(word, x, y))
                return true;
        }
        return false;
    }

    // The word after the first <paramref name="word"/>, determiners skipped; null at the end.
    private static string? NextWord(List<string> words, string word)
    {
        for (var i = words.IndexOf(word) + 1; i < words.Count; i++)
        {
            if (!Determiners.Contains(words[i]))
                return words[i];
        }
        return null;
    }

    // "likely" on this side only and "unlikely" on the other side only, or the reverse.
    private static bool NegatedOnOtherSide(string word, List<string> side, List<string> other)
    {
        foreach (var prefix in NegatingPrefixes)
        {
            if (word.Length >= ShortestNegatedWord && other.Exists(o => IsPrefixed(o, prefix, word)) && !side.Exists(o => IsPrefixed(o, prefix, word)))
                return true;
            if (word.Length >= prefix.Length + ShortestNegatedWord && word.StartsWith(prefix, StringComparison.Ordinal) &&
                other.Exists(o => word.AsSpan(prefix.Length).SequenceEqual(o)) && !side.Exists(o => word.AsSpan(prefix.Length).SequenceEqual(o)))
                return true;
        }
        return false;
    }

    private static bool IsPrefixed(string candidate, string prefix, string word) =>
        candidate.Length == prefix.Length + word.Length && candidate.StartsWith(prefix, StringComparison.Ordinal) && candidate.EndsWith(word, StringComparison.Ordinal);

    // A word both texts have, pointed at from disjoint directions ("to London" / "from London"; an arrow counts as "to", and
    // "than" is left out: "less than 2500" / "below 2500"). Or "than" or an arrow pointing at another shared word ("Mars bigger
    // than Venus" / "Venus bigger than Mars"); not "to" there, which is also an infinitive ("access to the data" / "to access").
    internal static bool DirectionDiffers(List<(string Direction, string Word)> x, List<(string Direction, string Word)> y, List<string> wordsX, List<string> wordsY)
    {
        if (x.Count == 0 || y.Count == 0)
            return false;
        foreach (var (_, word) in x)
        {
            if (!wordsY.Contains(word))
                continue;
            var fromX = Pointing(x, word);
            var fromY = Pointing(y, word);
            if (fromX.Count > 0 && fromY.Count > 0 && !fromX.Overlaps(fromY))
                return true;
        }
        return OrderedDiffers(x, y, wordsX, wordsY) || OrderedDiffers(y, x, wordsY, wordsX);
    }

    private static HashSet<string> Pointing(List<(string Direction, string Word)> governed, string word) =>
        [.. governed.Where(p => p.Word == word && p.Direction != "than").Select(p => p.Direction == Arrow ? "to" : p.Direction)];

    private static bool OrderedDiffers(List<(string Direction, string Word)> x, List<(string Direction, string Word)> y, List<string> wordsX, List<string> wordsY)
    {
        foreach (var (direction, word) in x)
        {
            if (direction is "than" or Arrow && wordsY.Contains(word) && !y.Contains((direction, word)) &&
                y.Exists(p => p.Direction == direction && p.Word != word && wordsX.Contains(p.Word)))
                return true;
        }
        return false;
    }

    private static Dictionary<string, List<string>> BuildOpposites()
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var pairs = Opposites.Concat(Groups.SelectMany(g => g.SelectMany((a, i) => g.Skip(i + 1).Select(b => (a, b)))));
        foreach (var (a, b) in pairs)
        {
            (map.TryGetValue(a, out var la) ? la : map[a] = []).Add(b);
            (map.TryGetValue(b, out var lb) ? lb : map[b] = []).Add(a);
        }
        return map;
    }
}
