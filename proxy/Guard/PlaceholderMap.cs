using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmGateway.Guard;

/// <summary>
/// One request's placeholders: the same value gets the same placeholder everywhere in the request
/// (<c>[EMAIL_1]</c>, <c>[EMAIL_2]</c>, numbered per category), so the model can refer to it and an answer can be
/// restored. Lives only for the request; never stored, never logged.
/// </summary>
internal sealed class PlaceholderMap
{
    private readonly Dictionary<string, string> _byValue = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byPlaceholder = new(StringComparer.Ordinal);
    private readonly int[] _counters = new int[GuardCategories.All.Length];

    public int Count => _byPlaceholder.Count;

    public string PlaceholderFor(string value, GuardCategory category)
    {
        if (_byValue.TryGetValue(value, out var existing))
            return existing;
        var placeholder = $"[{GuardCategories.Stem(category)}_{++_counters[(int)category]}]";
        _byValue[value] = placeholder;
        _byPlaceholder[placeholder] = value;
        return placeholder;
    }

    /// <summary>Placeholder to value, for restoring parsed text.</summary>
    public IReadOnlyDictionary<string, string> Values() => _byPlaceholder;

    /// <summary>For restoring inside JSON strings: each placeholder's value as escaped UTF-8 JSON string content.</summary>
    public Dictionary<string, byte[]> JsonReplacements() => _byPlaceholder.ToDictionary(
        p => p.Key,
        p => JsonEncodedText.Encode(p.Value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes.ToArray(),
        StringComparer.Ordinal);
}
