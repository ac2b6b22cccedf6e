using LlmGateway.Auth;

namespace LlmGateway.Caching;

/// <summary>Which similarity threshold applies: team, else model, else global, else the embedder's measured default.</summary>
internal static class CacheThresholds
{
    /// <summary>
    /// The default when no threshold is configured: none, i.e. exact hits only. The quality bench
    /// (<c>cache-quality</c>, proxy/Caching/README.md) found no threshold at which the hashing embedder or
    /// the built-in all-MiniLM-L6-v2 reaches precision 0.99 on QQP or PAWS-X. Semantic hits are turned on by
    /// configuring a threshold, after reading the measured precision for it; a threshold is measured for one
    /// embedder, and the embedder id in every partition key keeps vectors of different embedders apart.
    /// </summary>
    public static double? EmbedderDefault(string embedderId) => null;

    /// <summary>The threshold for a lookup, or null when the semantic tier is off.</summary>
    public static double? For(CacheOptions options, TeamIdentity team, string model, string embedderId, double? requested)
    {
        var threshold = team.Options.Cache?.Threshold
            ?? (options.ModelThresholds.TryGetValue(model, out var byModel) ? byModel : options.Threshold)
            ?? EmbedderDefault(embedderId);
        if (threshold is null)
            return null;
        // A request may only make it stricter.
        return requested is { } r && r > threshold ? r : threshold;
    }
}
