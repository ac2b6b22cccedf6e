using LlmGateway.Capture;

namespace LlmGateway.Caching;

/// <summary>The cache's verdict for a request, set as a request feature by the caching step; read by budgets and metrics.</summary>
internal sealed class CacheFeature
{
    public CacheResult Result { get; set; } = CacheResult.Bypass;

    /// <summary>"exact" or "semantic" on a hit.</summary>
    public string? Tier { get; set; }

    /// <summary>Cosine similarity of a semantic hit (1 for exact).</summary>
    public double? Similarity { get; set; }

    /// <summary>On a hit: the usage of the stored answer, i.e. what the request would have cost upstream.</summary>
    public TokenUsage? SavedUsage { get; set; }
}
