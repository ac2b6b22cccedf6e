using LlmGateway.Gateway;

namespace LlmGateway.Metrics;

/// <summary>
/// Keeps metric labels bounded: teams, models and providers come from config; anything else becomes
/// <c>other</c>. Never prompt text, keys or request ids.
/// </summary>
internal sealed class MetricLabels(GatewayConfigStore config)
{
    public const string Other = "other";

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
}
