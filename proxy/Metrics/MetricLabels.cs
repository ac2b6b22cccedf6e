using LlmGateway.Caching;
using LlmGateway.Gateway;

namespace LlmGateway.Metrics;

/// <summary>
/// Keeps metric labels bounded: teams, models and providers come from config; anything else becomes
/// <c>other</c>. Never prompt text, keys or request ids.
/// </summary>
internal sealed class MetricLabels(GatewayConfigStore config)
{
    /// <summary>A value that is not in the configuration (an unknown model name, a removed team).</summary>
    public const string Other = "other";

    /// <summary>The request had no such thing: no team (no key), no model (e.g. <c>/v1/files</c>), no upstream call (a cache hit).</summary>
    public const string None = "none";

    public string Team(string? team) =>
        team is not null && config.Current.Options.Teams.ContainsKey(team) ? team : Other;

    public string Model(string? model) =>
        model is not null && config.Current.Routing.TryResolve(model, out var route) ? route.Name : Other;

    public string Provider(string? provider) =>
        provider is not null && config.Current.Options.Providers.ContainsKey(provider) ? provider : Other;

    public static string StatusClass(int status) => status switch
    {
        < 200 => "1xx",
        < 300 => "2xx",
        < 400 => "3xx",
        < 500 => "4xx",
        _ => "5xx",
    };

    /// <summary><c>hit</c>, <c>miss</c> or <c>bypass</c> (also when the cache did not run at all).</summary>
    public static string Cache(CacheResult? result) => result switch
    {
        CacheResult.Hit => "hit",
        CacheResult.Miss => "miss",
        _ => "bypass",
    };
}
