using System.Collections.Frozen;

namespace LlmGateway.Gateway;

/// <summary>
/// One capability's <c>Gateway:Teams:{team}:{name}</c> sections, bound by <see cref="TeamSections"/> and validated by the
/// capability that owns them, once per configuration generation. Immutable; they reload without a restart.
/// </summary>
internal sealed class TeamSettings<T> where T : class
{
    public static readonly TeamSettings<T> None = new(FrozenDictionary<string, T>.Empty);

    private readonly FrozenDictionary<string, T> _byTeam;

    private TeamSettings(FrozenDictionary<string, T> byTeam) => _byTeam = byTeam;

    /// <summary>The team's section; null when it has none.</summary>
    public T? For(string team) => _byTeam.GetValueOrDefault(team);

    /// <summary>Binds every team's <paramref name="name"/> section and runs the owner's <paramref name="validate"/>(key, options, errors) on each.</summary>
    public static TeamSettings<T> Bind(TeamSections teams, string name, Action<string, T, List<string>> validate, List<string> errors)
    {
        var byTeam = teams.Bind<T>(name, errors);
        foreach (var (team, options) in byTeam)
            validate(TeamSections.Key(team, name), options, errors);
        return new TeamSettings<T>(byTeam.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }
}
