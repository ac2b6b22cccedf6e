namespace LlmGateway.Caching;

/// <summary>A storage fault episode of the cache: since when, and the first error.</summary>
internal sealed record CacheFault(DateTimeOffset Since, string Error);
