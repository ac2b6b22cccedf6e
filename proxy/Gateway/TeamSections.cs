namespace LlmGateway.Gateway;

/// <summary>
/// Hands each capability its sub-section of every team, <c>Gateway:Teams:{team}:{name}</c> (<c>Budget</c>, <c>RateLimit</c>,
/// <c>Cache</c>, <c>Guard</c>): Auth binds the team itself (keys, models), and the capability that owns a sub-section
/// binds and validates it, so no folder holds another's options. Keys are the same as when one type held them all.
/// </summary>
internal sealed class TeamSections(IConfiguration configuration)
{
    public const string Path = $"{GatewayOptions.Section}:Teams";

    /// <summary>
    /// Binds <c>Gateway:Teams:{team}:{name}</c> of every team that has it, by team name. A value of the wrong shape or
    /// type is an error naming its key (the binder alone would drop it without a word); that team's entry is then left out.
    /// </summary>
    public Dictionary<string, T> Bind<T>(string name, List<string> errors) where T : class
    {
        var bound = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var team in configuration.GetSection(Path).GetChildren())
        {
            var section = team.GetSection(name);
            if (!section.Exists())
                continue;
            var before = errors.Count;
            ConfigShapeCheck.Check(section, typeof(T), errors);
            try
            {
                if (section.Get<T>() is { } options && errors.Count == before)
                    bound[team.Key] = options;
            }
            catch (InvalidOperationException ex)
            {
                // The binder names the key whose value did not convert.
                errors.Add(ex.Message);
            }
        }
        return bound;
    }

    /// <summary>The configuration key of a team's sub-section, as errors name it.</summary>
    public static string Key(string team, string name) => $"{Path}:{team}:{name}";
}
