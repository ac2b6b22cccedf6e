namespace LlmGateway.Caching;

/// <summary>What the cache did for a request (a bounded metric label).</summary>
internal enum CacheResult
{
    /// <summary>The cache did not take part (disabled, not cacheable, or <c>no-store</c>).</summary>
    Bypass,
    Miss,
    Hit,
}
