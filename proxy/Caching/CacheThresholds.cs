namespace LlmGateway.Caching;

/// <summary>Which similarity threshold applies: team, else model, else global, else the embedder's measured default.</summary>
internal static class CacheThresholds
{
    /// <summary>
    /// The default when no threshold is configured: the operating point measured for exactly this embedder id
    /// (<see cref="HitDecisions"/>, chosen by <c>bench -- cache-verifier</c> together with its verifier) when the
    /// verifier is on and <c>Gateway:Cache:Semantic</c> allows it (<c>on</c>, or <c>auto</c> and the point met the
    /// goals); otherwise none, i.e. exact hits only. A threshold measured for one embedder is never used for
    /// another: the id includes the model's content hash, tokenizer, pooling and dimension.
    /// </summary>
    public static double? EmbedderDefault(string embedderId, CacheOptions options)
    {
        if (!options.Verifier || !options.LookAlikeGuard || options.Semantic == "off")
            return null;
        return HitDecisions.For(embedderId) is { Verifier.MatchesFeatures: true } measured && (options.Semantic == "on" || measured.MeetsGoals)
            ? measured.Threshold
            : null;
    }

    /// <summary>The threshold for a lookup, or null when the semantic tier is off. <paramref name="team"/>: the team's <c>Cache</c> section, if any.</summary>
    public static double? For(CacheOptions options, TeamCacheOptions? team, string model, string embedderId, double? requested)
    {
        var threshold = team?.Threshold
            ?? (options.ModelThresholds.TryGetValue(model, out var byModel) ? byModel : options.Threshold)
            ?? EmbedderDefault(embedderId, options);
        if (threshold is null)
            return null;
        // A request may only make it stricter.
        return requested is { } r && r > threshold ? r : threshold;
    }
}
