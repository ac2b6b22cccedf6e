using LlmGateway.Auth;
using LlmGateway.Gateway;

namespace LlmGateway.Caching.Verified;

/// <summary>Which δ (<c>MaxErrorRate</c>) applies to a lookup: team, else model, else global, else none (the bound is off).</summary>
internal static class MaxErrorRates
{
    /// <summary>δ must leave a hit more likely right than wrong, and be above 0 (no finite evidence proves a zero rate).</summary>
    public static bool IsValid(double delta) => delta is > 0 and <= 0.5;

    public static double? For(CacheOptions options, TeamIdentity team, string model) =>
        team.Options.Cache?.MaxErrorRate
        ?? (options.ModelMaxErrorRates.TryGetValue(model, out var byModel) ? byModel : options.MaxErrorRate);

    /// <summary>Startup check of <c>Gateway:Teams:{team}:Cache:MaxErrorRate</c> (the global and per-model ones: <see cref="CacheOptions.Validate"/>).</summary>
    public static void ValidateTeams(GatewayOptions options, List<string> errors)
    {
        foreach (var (name, team) in options.Teams)
        {
            if (team.Cache?.MaxErrorRate is { } delta && !IsValid(delta))
                errors.Add($"{GatewayOptions.Section}:Teams:{name}:Cache:MaxErrorRate: must be above 0 and at most 0.5.");
        }
    }
}
