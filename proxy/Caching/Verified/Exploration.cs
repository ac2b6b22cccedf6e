namespace LlmGateway.Caching.Verified;

/// <summary>A lookup the bound chose to verify: the candidate entry, its answer, the lookup's score, and the asked question (for the judge).</summary>
internal sealed record Exploration(CacheEntryMeta Candidate, byte[] CachedAnswer, double Score, BoundContext Bound, string? Question = null);
