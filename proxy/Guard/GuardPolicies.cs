using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using LlmGateway.Routing;

namespace LlmGateway.Guard;

/// <summary>
/// Resolves a team's <see cref="GuardPolicy"/> for a model. Compiled policies hang off the team's <see cref="TeamGuardOptions"/> object,
/// which a configuration reload replaces whole, so a reload drops them with no bookkeeping.
/// </summary>
internal sealed class GuardPolicies
{
    private readonly ConditionalWeakTable<TeamGuardOptions, Compiled> _compiled = new();

    /// <returns>Null when the team has no guard or every category is off for this model.</returns>
    /// <param name="options">The team's <c>Guard</c> section (<see cref="TeamGuardSettings"/>); null when it has none.</param>
    public GuardPolicy? For(TeamGuardOptions? options, ModelRoute? model)
    {
        if (options is null)
            return null;
        var compiled = _compiled.GetValue(options, static o => new Compiled(o));
        var policy = compiled.ForModel(model?.Name ?? "");
        return policy.Scanned.IsEmpty ? null : policy;
    }

    /// <summary>Builds the policy of <paramref name="options"/> for <paramref name="model"/> (tests and the bench use it directly).</summary>
    public static GuardPolicy Build(TeamGuardOptions options, string model, CustomDetector? custom = null)
    {
        var modelOptions = options.Models.TryGetValue(model, out var m) ? m : null;
        var actions = new GuardAction[GuardCategories.All.Length];
        foreach (var category in GuardCategories.All)
        {
            actions[(int)category] = Resolve(modelOptions?.Categories, category)
                ?? Parse(modelOptions?.Default)
                ?? Resolve(options.Categories, category)
                ?? Parse(options.Default)
                ?? GuardAction.Off;
        }
        return new GuardPolicy(actions, custom ?? new CustomDetector(options), options.Restore);
    }

    private static GuardAction? Resolve(Dictionary<string, string>? categories, GuardCategory category)
    {
        if (categories is null)
            return null;
        foreach (var (name, value) in categories)
        {
            if (GuardCategories.TryParse(name, out var c) && c == category)
                return Parse(value);
        }
        return null;
    }

    private static GuardAction? Parse(string? value) => GuardPolicy.TryParseAction(value, out var action) ? action : null;

    private sealed class Compiled(TeamGuardOptions options)
    {
        private readonly CustomDetector _custom = new(options);
        private readonly ConcurrentDictionary<string, GuardPolicy> _byModel = new(StringComparer.OrdinalIgnoreCase);

        // Keys are configured model names (or ""), so this stays as small as the config.
        public GuardPolicy ForModel(string model) => _byModel.GetOrAdd(model, m => Build(options, m, _custom));
    }
}
