using LlmGateway.Auth;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>
/// Binds the <c>Gateway</c> section and has each owner validate its part (and bind its per-team settings), collecting
/// every error instead of stopping at the first. The one place a configuration generation is built: at startup and on
/// every reload.
/// </summary>
internal static class GatewayStateBuilder
{
    public static GatewayState? TryBuild(IConfiguration configuration, long generation, List<string> errors)
    {
        // Before binding: the binder drops values of the wrong shape without a word.
        ConfigShapeCheck.Check(configuration, errors);
        GatewayOptions options;
        try
        {
            options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        }
        catch (InvalidOperationException ex)
        {
            // The binder names the key whose value did not convert.
            errors.Add(ex.Message);
            return null;
        }
        // The binder silently drops a dictionary entry whose value does not convert; bind those again to name the key.
        ReportDroppedEntries(configuration, "Providers", options.Providers, errors);
        ReportDroppedEntries(configuration, "Models", options.Models, errors);
        ReportDroppedEntries(configuration, "Teams", options.Teams, errors);
        ReportDroppedEntries(configuration, "Prices", options.Prices, errors);
        // Each owner validates its part; every error is collected before anything is applied.
        errors.AddRange(options.Limits.Validate());
        errors.AddRange(options.Admin.Validate());
        Storage.StorageValidator.Validate(options.Storage, errors);
        ForwardingRules.Validate(options.PassThroughPaths, errors);
        if (options.ShutdownTimeout < TimeSpan.Zero)
            errors.Add("Gateway:ShutdownTimeout: must not be negative.");
        Budgets.BudgetsValidator.Validate(options, configuration, errors);
        var teamSections = new TeamSections(configuration);
        var budgets = Budgets.BudgetsSettings.Bind(teamSections, errors);
        var cache = Caching.TeamCacheSettings.Bind(teamSections, errors);
        var guard = Guard.TeamGuardSettings.Bind(teamSections, options, errors);
        var routing = RoutingTable.TryBuild(options, configuration, errors);
        var teams = TeamDirectory.Build(options, errors);
        return errors.Count == 0 && routing is not null ? new GatewayState(options, routing, teams, budgets, cache, guard, generation) : null;
    }

    private static void ReportDroppedEntries<T>(IConfiguration configuration, string section, Dictionary<string, T> bound, List<string> errors)
    {
        foreach (var child in configuration.GetSection($"{GatewayOptions.Section}:{section}").GetChildren())
        {
            if (bound.ContainsKey(child.Key) || errors.Any(e => e.StartsWith(child.Path + ":", StringComparison.Ordinal)))
                continue;
            try
            {
                child.Get<T>();
                errors.Add($"{child.Path}: could not be read.");
            }
            catch (InvalidOperationException ex)
            {
                errors.Add(ex.Message);
            }
        }
    }
}
