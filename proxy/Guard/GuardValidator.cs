using System.Text.RegularExpressions;
using LlmGateway.Gateway;

namespace LlmGateway.Guard;

/// <summary>Validates a team's <c>Guard</c> section at startup and on reload (<see cref="TeamGuardSettings"/>); one error per problem, naming its key.</summary>
internal static class GuardValidator
{
    /// <param name="prefix">The section's key, <c>Gateway:Teams:{team}:Guard</c>.</param>
    public static void Validate(string prefix, TeamGuardOptions guard, GatewayOptions options, List<string> errors)
    {
        ValidateActions(prefix, guard.Default, guard.Categories, errors);
        foreach (var (model, modelOptions) in guard.Models)
        {
            if (!options.Models.ContainsKey(model))
                errors.Add($"{prefix}:Models:{model}: no such model in Gateway:Models (name it as configured there, not by an alias).");
            ValidateActions($"{prefix}:Models:{model}", modelOptions.Default, modelOptions.Categories, errors);
        }
        foreach (var (name, pattern) in guard.Patterns)
        {
            if (string.IsNullOrEmpty(pattern))
            {
                errors.Add($"{prefix}:Patterns:{name}: empty pattern.");
                continue;
            }
            try
            {
                _ = new Regex(pattern, CustomDetector.PatternOptions, CustomDetector.PatternTimeout);
            }
            catch (ArgumentException ex)
            {
                errors.Add($"{prefix}:Patterns:{name}: not a valid regular expression ({ex.Message}).");
            }
        }
        for (var i = 0; i < guard.Keywords.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(guard.Keywords[i]) || guard.Keywords[i].Trim().Length < 3)
                errors.Add($"{prefix}:Keywords:{i}: a keyword needs at least 3 characters (shorter ones match everywhere).");
        }
    }

    private static void ValidateActions(string prefix, string? fallback, Dictionary<string, string> categories, List<string> errors)
    {
        if (fallback is not null && !GuardPolicy.TryParseAction(fallback, out _))
            errors.Add($"{prefix}:Default: '{fallback}' is not an action (off, log, redact, block).");
        foreach (var (name, action) in categories)
        {
            if (!GuardCategories.TryParse(name, out _))
                errors.Add($"{prefix}:Categories:{name}: no such category ({string.Join(", ", GuardCategories.All)}).");
            if (!GuardPolicy.TryParseAction(action, out _))
                errors.Add($"{prefix}:Categories:{name}: '{action}' is not an action (off, log, redact, block).");
        }
    }
}
