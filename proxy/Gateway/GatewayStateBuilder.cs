using LlmGateway.Auth;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>Binds the <c>Gateway</c> section and validates all of it, collecting every error instead of stopping at the first.</summary>
internal static class GatewayStateBuilder
{
    public static GatewayState? TryBuild(IConfiguration configuration, long generation, List<string> errors)
    {
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
        if (options.Limits.MaxBodyBytes <= 0)
            errors.Add("Gateway:Limits:MaxBodyBytes: must be positive.");
        if (options.ShutdownTimeout < TimeSpan.Zero)
            errors.Add("Gateway:ShutdownTimeout: must not be negative.");
        var routing = RoutingTable.TryBuild(options, configuration, errors);
        var teams = TeamDirectory.Build(options, routing, errors);
        return errors.Count == 0 && routing is not null ? new GatewayState(options, routing, teams, generation) : null;
    }
}
