namespace LlmGateway.Caching;

/// <summary><c>Gateway:Teams:{name}:Cache</c>: per-team cache overrides, bound by <see cref="TeamCacheSettings"/>; they reload without a restart.</summary>
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

    /// <summary>The problems of this team's section, one line each naming its key (<paramref name="section"/> is the section's path).</summary>
    internal IEnumerable<string> Validate(string section)
    {
        if (Threshold is < 0 or > 1) yield return $"{section}:Threshold: must be between 0 and 1.";
        if (Ttl <= TimeSpan.Zero) yield return $"{section}:Ttl: must be positive.";
        if (MaxEntries <= 0) yield return $"{section}:MaxEntries: must be positive.";
        if (MaxErrorRate is { } delta && !Verified.MaxErrorRates.IsValid(delta)) yield return $"{section}:MaxErrorRate: must be above 0 and at most 0.5.";
    }
}
