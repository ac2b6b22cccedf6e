using System.Collections.Frozen;
using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>
/// Every team's <c>Gateway:Teams:{team}:Cache</c> section, bound and validated by the cache (its owner) once per
/// configuration generation. Immutable; reloads without a restart, unlike the startup-only <c>Gateway:Cache</c>.
/// </summary>
internal sealed class TeamCacheSettings
{
    public const string Section = "Cache";

    public static readonly TeamCacheSettings None = new(FrozenDictionary<string, TeamCacheOptions>.Empty);

    private readonly FrozenDictionary<string, TeamCacheOptions> _byTeam;

    private TeamCacheSettings(FrozenDictionary<string, TeamCacheOptions> byTeam) => _byTeam = byTeam;

    /// <summary>The team's overrides; null when it has no <c>Cache</c> section.</summary>
    public TeamCacheOptions? For(string team) => _byTeam.GetValueOrDefault(team);

    public static TeamCacheSettings Bind(TeamSections teams, List<string> errors)
    {
        var byTeam = teams.Bind<TeamCacheOptions>(Section, errors);
        foreach (var (team, options) in byTeam)
            errors.AddRange(options.Validate(TeamSections.Key(team, Section)));
        return new TeamCacheSettings(byTeam.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
