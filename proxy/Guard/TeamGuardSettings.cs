using LlmGateway.Gateway;

namespace LlmGateway.Guard;

/// <summary>
/// Every team's <c>Gateway:Teams:{team}:Guard</c> section, bound and validated by the guard (its owner,
/// <see cref="GuardValidator"/>) once per configuration generation; a team with none is not scanned. Reloads without a restart.
/// </summary>
internal static class TeamGuardSettings
{
    public const string Section = "Guard";

    /// <param name="options">The rest of the configuration: model names in a team's section must be configured models.</param>
    public static TeamSettings<TeamGuardOptions> Bind(TeamSections teams, GatewayOptions options, List<string> errors) =>
        TeamSettings<TeamGuardOptions>.Bind(teams, Section, (key, guard, found) => GuardValidator.Validate(key, guard, options, found), errors);
}
