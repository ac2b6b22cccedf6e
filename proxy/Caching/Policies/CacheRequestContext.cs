using LlmGateway.Gateway;

namespace LlmGateway.Caching.Policies;

/// <summary>
/// What the request rules decide on (the request, the team's cache settings, the options, the client's directives, the store's health)
/// and their verdict: may the cache look up, may it store, and the first refusal's reason (a bounded label, sent in
/// <c>x-cache-reason</c> and counted in <c>llm_gateway.cache.bypasses</c>).
/// </summary>
internal sealed class CacheRequestContext(GatewayRequest request, TeamCacheOptions? team, CacheOptions options, CacheDirectives directives, bool storeFaulted)
{
    public GatewayRequest Request { get; } = request;
    /// <summary>The team's <c>Gateway:Teams:{team}:Cache</c> section; null when it has none.</summary>
    public TeamCacheOptions? Team { get; } = team;
    public CacheOptions Options { get; } = options;
    public CacheDirectives Directives { get; } = directives;
    public bool StoreFaulted { get; } = storeFaulted;

    public bool AllowLookup { get; private set; } = true;
    public bool AllowStore { get; private set; } = true;

    /// <summary>Why the first refusal was made; null while everything is allowed.</summary>
    public string? Reason { get; private set; }

    /// <summary>Neither look up nor store.</summary>
    public void Bypass(string reason)
    {
        Reason ??= reason;
        AllowLookup = false;
        AllowStore = false;
    }

    /// <summary>Do not look up; the answer may still be stored (it replaces the stored one).</summary>
    public void RefuseLookup(string reason)
    {
        Reason ??= reason;
        AllowLookup = false;
    }
}
