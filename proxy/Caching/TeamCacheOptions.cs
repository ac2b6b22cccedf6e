namespace LlmGateway.Caching;

/// <summary><c>Gateway:Teams:{name}:Cache</c>: per-team cache overrides. (Filled in by the caching capability.)</summary>
public sealed record TeamCacheOptions
{
}
