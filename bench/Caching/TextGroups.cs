namespace LlmGateway.Bench.Caching;

/// <summary>
/// Question texts (trimmed and lower-cased) joined into groups by pairs: a union-find. The split joins every pair's two
/// questions (no question on two sides); the cache simulation and the bound's sets join duplicate pairs (QQP's duplicate
/// clusters). A text is numbered when first seen (<see cref="Add"/>), in order from 0.
/// </summary>
internal sealed class TextGroups
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<int> _parent = [];

    public static string Normalize(string text) => text.Trim().ToLowerInvariant();

    public void Join(string a, string b) => _parent[Root(Add(a))] = Root(Add(b));

    /// <summary>The group of a text (a number shared by every text joined with it); -1 for a text never seen.</summary>
    public int GroupOf(string text) => _ids.TryGetValue(Normalize(text), out var id) ? Root(id) : -1;

    public bool Contains(string text) => _ids.ContainsKey(Normalize(text));

    /// <summary>The text's number, numbering it if it is new (then it is a group of its own until joined).</summary>
    public int Add(string text)
    {
        var key = Normalize(text);
        if (!_ids.TryGetValue(key, out var id))
        {
            _ids[key] = id = _parent.Count;
            _parent.Add(id);
        }
        return id;
    }

    private int Root(int id)
    {
        while (_parent[id] != id)
            id = _parent[id] = _parent[_parent[id]];
        return id;
    }
}
