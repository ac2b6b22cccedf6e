namespace LlmGateway.Caching;

/// <summary>
/// Flips of meaning that leave a question's words and its embedding nearly unchanged. An adversarial review found the
/// shipped decision serving all of these at cosine 0.93–0.99: the verifier's word features skip function words and weigh a
/// single changed content word too lightly.
/// <list type="bullet">
/// <item>an opposite on each side, pointing at the same next word: "Are all swans white?" / "Are some swans white?",
/// "lights on" / "lights off", "today" / "tomorrow", "aspirin and warfarin" / "aspirin or warfarin", "longer" / "shorter",
/// and two units of one kind ("6 minutes" / "6 hours");</item>
/// <item>a negating prefix: "likely" / "unlikely", "legal" / "illegal";</item>
/// <item>a shared word pointed at by "to" on one side and "from" on the other ("flights to London" / "flights from
/// London", "Paris to London" / "to Paris from London"), or "than" and arrows pointing at different shared words ("X bigger
/// than Y" / "Y bigger than X", "New York → Boston" / "Boston → New York").</item>
/// </list>
/// Words come from <see cref="LookAlikeGuard.Analysis"/> (lower-cased, "n't" expanded); every check is linear in the words.
/// </summary>
internal static class Polarity
{
    // Each pair is an opposite when one word is on one side only, the other on the other side only, and both point at the same
    // word ("all rows" / "some rows"; not "of all time" / "some of the greatest"). To and from are directions instead (below):
    // "to" is also an infinitive, so it is compared only when both texts point it at the same word.
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
        ("largest", "smallest"), ("biggest", "smallest"), ("highest", "lowest"), ("longest", "shortest"), ("fastest", "slowest"),
        ("oldest", "youngest"), ("hottest", "coldest"), ("heaviest", "lightest"), ("easiest", "hardest"), ("earliest", "latest"),
        ("won", "lost"), ("wins", "loses"), ("winning", "losing"), ("enabled", "disabled"), ("open", "closed"), ("opened", "closed"),
        ("increased", "decreased"), ("increases", "decreases"), ("started", "stopped"), ("bought", "sold"), ("buying", "selling"),
        ("added", "removed"), ("adding", "removing"),
        // Pairs that flip meaning without being antonyms too (still/ever, am/pm, this/next). A third review (2026-12-03) found
        // some served at cosine 0.94-0.99 with the same next word; the rest are their kin.
        ("few", "many"), ("still", "ever"), ("this", "next"), ("this", "last"), ("am", "pm"), ("except", "only"),
        ("include", "exclude"), ("included", "excluded"), ("including", "excluding"), ("inner", "outer"), ("leading", "trailing"),
        ("prefix", "suffix"), ("head", "tail"), ("single", "double"), ("succeed", "fail"), ("succeeded", "failed"),
        ("success", "failure"), ("pass", "fail"), ("passed", "failed"), ("allowed", "forbidden"), ("allowed", "prohibited"),
        ("permitted", "forbidden"), ("permitted", "prohibited"), ("allowed", "banned"), ("required", "optional"),
        ("mandatory", "optional"), ("plaintiff", "defendant"), ("employer", "employee"), ("buyer", "seller"), ("landlord", "tenant"),
        ("lessor", "lessee"), ("parent", "child"), ("client", "server"), ("sender", "recipient"),
    ];

    // Any two units of one kind are opposites too (same rule): "boil an egg for 6 minutes" / "for 6 hours". Each inner array is
    // one unit's spellings, which agree ("5 kg" / "5 kilograms").
    private static readonly string[][][] Groups =
    [
        [["second", "seconds", "sec", "secs"], ["minute", "minutes", "min", "mins"], ["hour", "hours", "hr", "hrs"], ["day", "days"], ["week", "weeks"],
            ["month", "months"], ["year", "years", "yr", "yrs"], ["decade", "decades"]],
        [["mm", "millimeter", "millimeters", "millimetre", "millimetres"], ["cm", "centimeter", "centimeters", "centimetre", "centimetres"],
            ["meter", "meters", "metre", "metres"], ["km", "kilometer", "kilometers", "kilometre", "kilometres"], ["mile", "miles"],
            ["inch", "inches"], ["foot", "feet", "ft"], ["yard", "yards"]],
        [["gram", "grams", "g"], ["kg", "kgs", "kilogram", "kilograms", "kilo", "kilos"], ["pound", "pounds", "lb", "lbs"], ["ounce", "ounces", "oz"],
            ["ton", "tons"], ["tonne", "tonnes"]],
        [["celsius", "centigrade"], ["fahrenheit"], ["kelvin"]],
        [["monday"], ["tuesday"], ["wednesday"], ["thursday"], ["friday"], ["saturday"], ["sunday"]],
        [["january"], ["february"], ["march"], ["april"], ["june"], ["july"], ["august"], ["september"], ["october"], ["november"], ["december"]],
    ];

    private static readonly Dictionary<string, List<string>> OppositesOf = BuildOpposites();

    private static readonly string[] NegatingPrefixes = ["un", "in", "im", "il", "ir", "dis", "non"];

    private static readonly int LongestNegatingPrefix = NegatingPrefixes.Max(p => p.Length);

    // A prefixed word this long or shorter is built on the stack (NegatedOnOtherSide).
    private const int PrefixedOnStack = 64;

    // A negating prefix counts only before a word this long, so "into" is not "in" + "to".
    private const int ShortestNegatedWord = 4;

    /// <summary>
    /// What <see cref="LookAlikeGuard.Analyse"/> puts among the tokens for an arrow (→, ->, ⇒, ➡). Not "=>": in code that
    /// is a lambda, not a direction.
    /// </summary>
    public const string Arrow = "→";

    private const string To = "to", From = "from", Than = "than";

    // Words that point at the next word; synonyms share a class ("to" and "into"), so "convert a PDF to/into Word" agree.
    // Before/after and over/under are opposites instead (above): they are not compared across words.
    private static readonly Dictionary<string, string> Directions = new(StringComparer.Ordinal)
    {
        [To] = To, ["into"] = To, ["onto"] = To, ["toward"] = To, ["towards"] = To, [Arrow] = Arrow, [From] = From, [Than] = Than,
    };

    private static readonly HashSet<string> Determiners = new(StringComparer.Ordinal)
    {
        "a", "an", "the", "my", "your", "our", "their", "his", "her", "its", "this", "that", "these", "those", "of",
    };

    /// <summary>
    /// What direction words point at in one text. <paramref name="Pointed"/>: each word pointed at by "to" or "from" (an arrow
    /// counts as "to"), with those directions. <paramref name="Ordered"/>: the words "than" and arrows point at, by direction.
    /// Dictionaries, not their read-only interface: comparing two texts enumerates them, and an interface's enumerator is
    /// allocated for every candidate.
    /// </summary>
    internal sealed record Pointers(Dictionary<string, HashSet<string>> Pointed, Dictionary<string, HashSet<string>> Ordered);

    /// <summary>Whether the two texts differ by an opposite, a negating prefix or a direction (see the class summary).</summary>
    public static bool Differs(LookAlikeGuard.Analysis x, LookAlikeGuard.Analysis y) =>
        OppositeOnEachSide(x, y) || DirectionDiffers(x, y);

    /// <summary>
    /// What direction words point at: for each, the next token that is not a determiner, when it is a content word; null
    /// when none points at anything (most questions). <paramref name="tokens"/> are the text's words and arrows in order.
    /// </summary>
    public static Pointers? Governed(List<string> tokens)
    {
        Dictionary<string, HashSet<string>>? pointed = null, ordered = null;
        string? pending = null;
        foreach (var token in tokens)
        {
            if (Directions.TryGetValue(token, out var direction))
                pending = direction;
            else if (pending is not null && !Determiners.Contains(token))
            {
                if (!FunctionWords.IsFunctionWord(token))
                {
                    if (pending != Than)
                        Add(pointed ??= [], token, pending == Arrow ? To : pending);
                    if (pending is Than or Arrow)
                        Add(ordered ??= [], pending, token);
                }
                pending = null;
            }
        }
        return pointed is null && ordered is null ? null : new Pointers(pointed ?? [], ordered ?? []);
    }

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
            map[key] = set = new HashSet<string>(StringComparer.Ordinal);
        set.Add(value);
    }

    private static bool OppositeOnEachSide(LookAlikeGuard.Analysis x, LookAlikeGuard.Analysis y)
    {
        foreach (var word in x.WordSet)
        {
            if (y.WordSet.Contains(word))
                continue;
            if (OppositesOf.TryGetValue(word, out var opposites) && OppositeOnOtherSide(word, opposites, x, y))
                return true;
            if (NegatedOnOtherSide(word, x.WordSet, y.WordSet))
                return true;
        }
        return false;
    }

    // One of the word's opposites is on the other side only, pointing at the same next word. A loop, not List.Exists with a
    // lambda: the closure would be allocated for every word on one side, per candidate.
    private static bool OppositeOnOtherSide(string word, List<string> opposites, LookAlikeGuard.Analysis x, LookAlikeGuard.Analysis y)
    {
        string? next = null;
        var nextFound = false;
        foreach (var opposite in opposites)
        {
            if (!y.WordSet.Contains(opposite) || x.WordSet.Contains(opposite))
                continue;
            if (!nextFound)
                (next, nextFound) = (NextWord(x.Words, word), true);
            // A determiner with no word after it is a pronoun: "What comes next?" / "What comes after this?".
            if (next == NextWord(y.Words, opposite) && (next is not null || !(Determiners.Contains(word) || Determiners.Contains(opposite))))
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

    // "likely" on this side only and "unlikely" on the other side only, or the reverse. Not when the other side writes the
    // prefix as a word of its own: "non-profit" / "nonprofit" (the hyphen splits it). The prefixed and plain words are looked
    // up as spans: no string is built per word and candidate.
    private static bool NegatedOnOtherSide(string word, HashSet<string> side, HashSet<string> other)
    {
        var sideSpans = side.GetAlternateLookup<ReadOnlySpan<char>>();
        var otherSpans = other.GetAlternateLookup<ReadOnlySpan<char>>();
        var length = LongestNegatingPrefix + word.Length;
        Span<char> negated = length <= PrefixedOnStack ? stackalloc char[PrefixedOnStack] : new char[length];
        foreach (var prefix in NegatingPrefixes)
        {
            if (word.Length >= ShortestNegatedWord && !side.Contains(prefix))
            {
                prefix.CopyTo(negated);
                word.CopyTo(negated[prefix.Length..]);
                var prefixed = negated[..(prefix.Length + word.Length)];
                if (otherSpans.Contains(prefixed) && !sideSpans.Contains(prefixed))
                    return true;
            }
            if (word.Length >= prefix.Length + ShortestNegatedWord && word.StartsWith(prefix, StringComparison.Ordinal) && !other.Contains(prefix))
            {
                var plain = word.AsSpan(prefix.Length);
                if (otherSpans.Contains(plain) && !sideSpans.Contains(plain))
                    return true;
            }
        }
        return false;
    }

    // A word both texts have, pointed at by "to" on one side and "from" on the other ("flights to London" / "flights from
    // London", "Paris to London" / "to Paris from London"). Or "than" or an arrow pointing at different shared words ("Mars
    // bigger than Venus" / "Venus bigger than Mars", "New York → Boston" / "Boston → New York"); not "to" there, which is
    // also an infinitive ("access to the data" / "to access the data").
    private static bool DirectionDiffers(LookAlikeGuard.Analysis x, LookAlikeGuard.Analysis y)
    {
        if (x.Governed is not { } px || y.Governed is not { } py)
            return false;
        foreach (var (word, fromX) in px.Pointed)
        {
            if (py.Pointed.TryGetValue(word, out var fromY) && !fromX.Overlaps(fromY))
                return true;
        }
        foreach (var (direction, wordsX) in px.Ordered)
        {
            if (py.Ordered.TryGetValue(direction, out var wordsY) &&
                PointsElsewhere(wordsX, wordsY, y.WordSet) && PointsElsewhere(wordsY, wordsX, x.WordSet))
                return true;
        }
        return false;
    }

    // A word this side points at that the other side has but does not point at.
    private static bool PointsElsewhere(HashSet<string> pointed, HashSet<string> otherPointed, HashSet<string> otherWords)
    {
        foreach (var word in pointed)
        {
            if (otherWords.Contains(word) && !otherPointed.Contains(word))
                return true;
        }
        return false;
    }

    private static Dictionary<string, List<string>> BuildOpposites()
    {
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        // Across the units of a group, every spelling of one against every spelling of another.
        var units = Groups.SelectMany(g => g.SelectMany((unit, i) => g.Skip(i + 1).SelectMany(other => unit.SelectMany(a => other.Select(b => (a, b))))));
        foreach (var (a, b) in Opposites.Concat(units))
        {
            (map.TryGetValue(a, out var la) ? la : map[a] = []).Add(b);
            (map.TryGetValue(b, out var lb) ? lb : map[b] = []).Add(a);
        }
        return map;
    }
}
