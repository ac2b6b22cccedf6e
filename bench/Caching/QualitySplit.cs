using System.IO.Hashing;
using System.Text;

namespace LlmGateway.Bench.Caching;

/// <summary>
/// Splits a labelled set into train (60 %), dev (20 %) and held-out (20 %) — or, for a set not trained on, dev (50 %)
/// and held-out (50 %) — so that no question is on two sides:
/// pairs that share a question (QQP asks many questions in several pairs) form one group, and a group's part is
/// decided by a hash of its first text. Deterministic: the same data always splits the same way.
/// </summary>
internal static class QualitySplit
{
    public enum Part { Train, Dev, HeldOut }

    public static Part[] Assign(IReadOnlyList<LabelledPair> pairs, bool train = true)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string text)
        {
            var key = text.Trim().ToLowerInvariant();
            if (!ids.TryGetValue(key, out var id))
                ids[key] = id = ids.Count;
            return id;
        }
        var ends = pairs.Select(p => (Id(p.A), Id(p.B))).ToArray();
        var parent = Enumerable.Range(0, ids.Count).ToArray();
        int Root(int i)
        {
            while (parent[i] != i) i = parent[i] = parent[parent[i]];
            return i;
        }
        foreach (var (a, b) in ends)
            parent[Root(a)] = Root(b);
        var firstText = new Dictionary<int, string>();
        for (var i = 0; i < pairs.Count; i++)
            firstText.TryAdd(Root(ends[i].Item1), pairs[i].A);
        return ends.Select(e => Bucket(firstText[Root(e.Item1)], train)).ToArray();
    }

    private static Part Bucket(string text, bool train) => (XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text)) % 10, train) switch
    {
        ( < 6, true) => Part.Train,
        ( < 8, true) => Part.Dev,
        ( < 5, false) => Part.Dev,
        _ => Part.HeldOut,
    };
}
