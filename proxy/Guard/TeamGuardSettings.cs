using System.Collections.Frozen;
using LlmGateway.Gateway;

namespace LlmGateway.Guard;

/// <summary>
/// Every team's <c>Gateway:Teams:{team}:Guard</c> section, bound and validated by the guard (its owner,
/// <see cref="GuardValidator"/>) once per configuration generation. Immutable; reloads without a restart.
/// </summary>
internal sealed class TeamGuardSettings
{
    public const string Section = "Guard";

    public static readonly TeamGuardSettings None = new(FrozenDictionary<string, TeamGuardOptions>.Empty);

    private readonly FrozenDictionary<string, TeamGuardOptions> _byTeam;

    private TeamGuardSettings(FrozenDictionary<string, TeamGuardOptions> byTeam) => _byTeam = byTeam;

    /// <summary>The team's guard options; null when it has no <c>Guard</c> section (nothing is scanned).</summary>
    public TeamGuardOptions? For(string team) => _byTeam.GetValueOrDefault(team);

    /// <param name="options">The rest of the configuration: model names in a team's section must be configured models.</param>
    public static TeamGuardSettings Bind(TeamSections teams, GatewayOptions options, List<string> errors)
    {
        var byTeam = teams.Bind<TeamGuardOptions>(Section, errors);
        foreach (var (team, guard) in byTeam)
            GuardValidator.Validate(TeamSections.Key(team, Section), guard, options, errors);
        return new TeamGuardSettings(byTeam.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
