using System.Buffers;
using System.Text.RegularExpressions;

namespace LlmGateway.Guard;

/// <summary>
/// A team's own patterns and keywords (category <see cref="GuardCategory.Custom"/>), compiled once per configuration.
/// Keywords are found in one pass by <see cref="SearchValues{T}"/> (a multi-string search), ignoring case.
/// </summary>
internal sealed class CustomDetector
{
    public const RegexOptions PatternOptions = RegexOptions.CultureInvariant | RegexOptions.Compiled;

    /// <summary>A team's pattern may backtrack badly; past this, the text counts as a match (fail closed).</summary>
    public static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    private readonly Regex[] _patterns;
    private readonly SearchValues<string>? _keywords;
    private readonly string[] _keywordList;

    public CustomDetector(TeamGuardOptions options)
    {
        _patterns = options.Patterns.Values.Where(p => p.Length > 0).Select(p => new Regex(p, PatternOptions, PatternTimeout)).ToArray();
        var keywords = options.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Select(k => k.Trim()).ToArray();
        _keywordList = keywords;
        _keywords = keywords.Length > 0 ? SearchValues.Create(keywords, StringComparison.OrdinalIgnoreCase) : null;
    }

    public bool IsEmpty => _patterns.Length == 0 && _keywords is null;

    /// <returns>False when a pattern timed out; the whole text was then added as one finding.</returns>
    public bool Scan(string text, List<Finding> findings)
    {
        if (_keywords is not null)
        {
            var offset = 0;
            while (offset < text.Length)
            {
                var span = text.AsSpan(offset);
                var at = span.IndexOfAny(_keywords);
                if (at < 0)
                    break;
                var length = KeywordLengthAt(span[at..]);
                findings.Add(new Finding(offset + at, length, GuardCategory.Custom));
                offset += at + Math.Max(1, length);
            }
        }
        try
        {
            foreach (var pattern in _patterns)
            {
                foreach (var match in pattern.EnumerateMatches(text))
                {
                    if (match.Length > 0)
                        findings.Add(new Finding(match.Index, match.Length, GuardCategory.Custom));
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            findings.Add(new Finding(0, text.Length, GuardCategory.Custom));
            return false;
        }
        return true;
    }

    // SearchValues says where a keyword starts, not which one: take the longest that starts there.
    private int KeywordLengthAt(ReadOnlySpan<char> span)
    {
        var best = 0;
        foreach (var keyword in _keywordList)
        {
            if (keyword.Length > best && span.StartsWith(keyword, StringComparison.OrdinalIgnoreCase))
                best = keyword.Length;
        }
        return best;
    }
}
