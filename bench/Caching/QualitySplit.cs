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
        var groups = new TextGroups();
        foreach (var pair in pairs)
            groups.Join(pair.A, pair.B);
        var firstText = new Dictionary<int, string>();
        foreach (var pair in pairs)
            firstText.TryAdd(groups.GroupOf(pair.A), pair.A);
        return pairs.Select(pair => Bucket(firstText[groups.GroupOf(pair.A)], train)).ToArray();
    }

    private static Part Bucket(string text, bool train) => (XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(text)) % 10, train) switch
    {
        ( < 6, true) => Part.Train,
        ( < 8, true) => Part.Dev,
        ( < 5, false) => Part.Dev,
        _ => Part.HeldOut,
    };
}
