using System.Text.RegularExpressions;

namespace LlmGateway.Guard;

/// <summary>Restores placeholders in one piece of streamed text, holding back a trailing piece that may be the start of one.</summary>
internal static partial class TextRestorer
{
    [GeneratedRegex(@"\[[A-Z0-9_]{1,38}\]", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>Replaces every known placeholder in <paramref name="text"/>; unknown ones stay as they are.</summary>
    public static string Restore(string text, IReadOnlyDictionary<string, string> values) =>
        text.Contains('[') ? Placeholder().Replace(text, m => values.TryGetValue(m.Value, out var value) ? value : m.Value) : text;

    /// <summary>
    /// Where a possible placeholder starts at the end of <paramref name="text"/> (a '[' followed only by placeholder
    /// characters, shorter than the longest placeholder), or the text's length when there is none.
    /// </summary>
    public static int HeldFrom(string text)
    {
        var open = text.LastIndexOf('[');
        if (open < 0 || text.Length - open >= PlaceholderRestorer.MaxPlaceholder)
            return text.Length;
        for (var i = open + 1; i < text.Length; i++)
        {
            if (text[i] is not ((>= 'A' and <= 'Z') or (>= '0' and <= '9') or '_'))
                return text.Length;
        }
        return open;
    }
}
