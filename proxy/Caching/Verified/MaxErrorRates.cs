namespace LlmGateway.Caching.Verified;

/// <summary>Which δ (<c>MaxErrorRate</c>) applies to a lookup: team, else model, else global, else none (the bound is off).</summary>
internal static class MaxErrorRates
{
    /// <summary>δ must leave a hit more likely right than wrong, and be above 0 (no finite evidence proves a zero rate).</summary>
    public static bool IsValid(double delta) => delta is > 0 and <= 0.5;

    /// <param name="team">The team's <c>Cache</c> section, if any.</param>
    public static double? For(CacheOptions options, TeamCacheOptions? team, string model) =>
        team?.MaxErrorRate
        ?? (options.ModelMaxErrorRates.TryGetValue(model, out var byModel) ? byModel : options.MaxErrorRate);
}
