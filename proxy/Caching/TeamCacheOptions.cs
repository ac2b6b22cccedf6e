namespace LlmGateway.Caching;

/// <summary><c>Gateway:Teams:{name}:Cache</c>: per-team cache overrides.</summary>
public sealed record TeamCacheOptions
{
    /// <summary>False turns the cache off for the team.</summary>
    public bool? Enabled { get; init; }

    /// <summary>The team's similarity threshold (overrides the global and per-model ones).</summary>
    public double? Threshold { get; init; }

    public TimeSpan? Ttl { get; init; }

    /// <summary>The team's δ (overrides the global and per-model <c>MaxErrorRate</c>; see <see cref="CacheOptions.MaxErrorRate"/>).</summary>
    public double? MaxErrorRate { get; init; }

    /// <summary>A named scope shared with the other teams that name it; by default a team's entries are its own.</summary>
    public string? Scope { get; init; }

    /// <summary>Most entries the team's scope may hold; its least recently used go first.</summary>
    public int? MaxEntries { get; init; }

    /// <summary>
    /// Honour <c>x-cache-query</c> [true]. Its entries are only found by requests that send it too and whose user
    /// message around the question is the same (proxy/Caching/README.md). False ignores the header: every request
    /// is matched on its last user message.
    /// </summary>
    public bool AllowQueryHeader { get; init; } = true;
}
