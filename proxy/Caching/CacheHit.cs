namespace LlmGateway.Caching;

/// <summary>A found answer: the entry, which tier found it, and how similar its question was.</summary>
internal sealed record CacheHit(CacheEntry Entry, string Tier, double Similarity);
