namespace LlmGateway.Caching.Verified;

/// <summary>A lookup the bound chose to verify: the candidate entry, its answer, and the lookup's score.</summary>
internal sealed record Exploration(CacheEntryMeta Candidate, byte[] CachedAnswer, double Score, BoundContext Bound);
