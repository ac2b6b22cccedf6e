using LlmGateway.Capture;

namespace LlmGateway.Caching;

/// <summary>The cache's verdict for a request, set once by the caching step on the exchange; read by budgets and metrics.</summary>
/// <param name="Tier">"exact" or "semantic" on a hit.</param>
/// <param name="Similarity">Cosine similarity of a semantic hit (1 for exact).</param>
/// <param name="SavedUsage">On a hit: the usage of the stored answer, i.e. what the request would have cost upstream.</param>
internal sealed record CacheOutcome(CacheResult Result, string? Tier = null, double? Similarity = null, TokenUsage? SavedUsage = null)
{
    public static readonly CacheOutcome Bypass = new(CacheResult.Bypass);
    public static readonly CacheOutcome Miss = new(CacheResult.Miss);

    public static CacheOutcome Hit(CacheHit hit) => new(CacheResult.Hit, hit.Tier, hit.Similarity, hit.Entry.Usage);
}
