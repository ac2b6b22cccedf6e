namespace LlmGateway.Caching;

/// <summary><c>Gateway:Teams:{name}:Cache</c>: per-team cache overrides.</summary>
public sealed record TeamCacheOptions
{
    /// <summary>False turns the cache off for the team.</summary>
    public bool? Enabled { get; init; }

    /// <summary>The team's similarity threshold (overrides the global and per-model ones).</summary>
    public double? Threshold { get; init; }

    public TimeSpan? Ttl { get; init; }

    /// <summary>A named scope shared with the other teams that name it; by default a team's entries are its own.</summary>
    public string? Scope { get; init; }

    /// <summary>Most entries the team's scope may hold; its least recently used go first.</summary>
    public int? MaxEntries { get; init; }
}
