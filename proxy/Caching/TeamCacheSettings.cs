using LlmGateway.Gateway;

namespace LlmGateway.Caching;

/// <summary>
/// Every team's <c>Gateway:Teams:{team}:Cache</c> section, bound and validated by the cache (its owner) once per
/// configuration generation. Reloads without a restart, unlike the startup-only <c>Gateway:Cache</c>.
/// </summary>
internal static class TeamCacheSettings
{
    public const string Section = "Cache";

    public static TeamSettings<TeamCacheOptions> Bind(TeamSections teams, List<string> errors) =>
        TeamSettings<TeamCacheOptions>.Bind(teams, Section, (key, options, found) => found.AddRange(options.Validate(key)), errors);
}
