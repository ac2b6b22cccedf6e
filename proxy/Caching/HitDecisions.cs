using System.Reflection;

namespace LlmGateway.Caching;

/// <summary>The measured hit decisions shipped with the gateway (embedded <c>Caching/HitDecisions/*.json</c>), by embedder id.</summary>
internal static class HitDecisions
{
    private const string ResourcePrefix = "LlmGateway.Caching.HitDecisions.";

    // Read once: immutable data compiled into the assembly.
    private static readonly Lazy<IReadOnlyList<HitDecisionData>> Shipped = new(Load);

    public static IReadOnlyList<HitDecisionData> All => Shipped.Value;

    /// <summary>The decision measured for exactly this embedder id; null when none was (then no semantic default).</summary>
    public static HitDecisionData? For(string embedderId) => Find(All, embedderId);

    /// <summary>A decision whose id differs in anything (model, tokenizer, pooling, dimension, content hash) is not used.</summary>
    internal static HitDecisionData? Find(IEnumerable<HitDecisionData> decisions, string embedderId) =>
        decisions.FirstOrDefault(d => string.Equals(d.EmbedderId, embedderId, StringComparison.Ordinal));

    private static IReadOnlyList<HitDecisionData> Load()
    {
        var assembly = typeof(HitDecisions).Assembly;
        var list = new List<HitDecisionData>();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream);
            list.Add(HitDecisionData.Parse(reader.ReadToEnd()));
        }
        return list;
    }
}
