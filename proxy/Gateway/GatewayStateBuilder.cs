using LlmGateway.Auth;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>Binds the <c>Gateway</c> section and validates all of it, collecting every error instead of stopping at the first.</summary>
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
        if (options.Limits.MaxBodyBytes <= 0)
            errors.Add("Gateway:Limits:MaxBodyBytes: must be positive.");
        for (var i = 0; i < options.Admin.KeySha256.Count; i++)
        {
            if (options.Admin.KeySha256[i] is not { Length: 64 } digest || !digest.All(Uri.IsHexDigit))
                errors.Add($"Gateway:Admin:KeySha256:{i}: not a SHA-256 hex digest (64 hex digits).");
        }
        Storage.StorageValidator.Validate(options.Storage, errors);
        if (string.IsNullOrWhiteSpace(options.Storage.Path))
            errors.Add("Gateway:Storage:Path: a folder is needed.");
        if (options.Limits.MaxBufferedBodyBytes < options.Limits.MaxBodyBytes)
            errors.Add("Gateway:Limits:MaxBufferedBodyBytes: must be at least Gateway:Limits:MaxBodyBytes.");
        ForwardingRules.Validate(options.PassThroughPaths, errors);
        if (options.Limits.MaxCaptureBytes <= 0)
            errors.Add("Gateway:Limits:MaxCaptureBytes: must be positive.");
        if (options.Limits.MaxConcurrentForwards <= 0)
            errors.Add("Gateway:Limits:MaxConcurrentForwards: must be positive.");
        if (options.Limits.MaxQueuedForwards < 0)
            errors.Add("Gateway:Limits:MaxQueuedForwards: must not be negative.");
        if (options.ShutdownTimeout < TimeSpan.Zero)
            errors.Add("Gateway:ShutdownTimeout: must not be negative.");
        Budgets.BudgetsValidator.Validate(options, configuration, errors);
        Guard.GuardValidator.Validate(options, errors);
        Caching.Verified.MaxErrorRates.ValidateTeams(options, errors);
        var routing = RoutingTable.TryBuild(options, configuration, errors);
        var teams = TeamDirectory.Build(options, errors);
        return errors.Count == 0 && routing is not null ? new GatewayState(options, routing, teams, generation) : null;
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
