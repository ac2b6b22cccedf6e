using System.Collections.Frozen;
using Microsoft.Extensions.Configuration;

namespace LlmGateway.Routing;

/// <summary>Providers and models resolved from <see cref="Gateway.GatewayOptions"/>; immutable, swapped whole on reload.</summary>
internal sealed class RoutingTable
{
    private readonly FrozenDictionary<string, ModelRoute> _byName;

    private RoutingTable(
        IReadOnlyList<Provider> providers,
        FrozenDictionary<string, ModelRoute> byName,
        IReadOnlyList<ModelRoute> models,
        Provider defaultProvider)
    {
        Providers = providers;
        _byName = byName;
        Models = models;
        DefaultProvider = defaultProvider;
    }

    public IReadOnlyList<Provider> Providers { get; }

    /// <summary>Configured models (aliases not repeated).</summary>
    public IReadOnlyList<ModelRoute> Models { get; }

    /// <summary>Where calls that name no model go.</summary>
    public Provider DefaultProvider { get; }

    /// <summary>Every name a client may use: model names and aliases.</summary>
    public IEnumerable<string> ClientNames => _byName.Keys;

    public bool TryResolve(string name, out ModelRoute route) => _byName.TryGetValue(name, out route!);

    /// <summary>Builds the table, or returns every error found (each naming its config key).</summary>
    public static RoutingTable? TryBuild(Gateway.GatewayOptions options, IConfiguration secrets, List<string> errors)
    {
        var providers = new Dictionary<string, Provider>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, p) in options.Providers)
        {
            var key = $"Gateway:Providers:{name}";
            if (!ProviderKinds.IsKnown(p.Kind))
                errors.Add($"{key}:Kind: '{p.Kind}' is not a provider kind (use '{ProviderKinds.OpenAi}' or '{ProviderKinds.AzureOpenAi}').");
            var urls = p.AllBaseUrls().ToList();
            if (urls.Count == 0)
                errors.Add($"{key}:BaseUrl: a provider needs a base URL.");
            foreach (var url in urls)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                    errors.Add($"{key}:BaseUrl: '{url}' is not an absolute http(s) URL.");
            }
            string? apiKey = null;
            if (!string.IsNullOrWhiteSpace(p.ApiKeyEnv))
            {
                apiKey = secrets[p.ApiKeyEnv];
                if (string.IsNullOrEmpty(apiKey))
                    errors.Add($"{key}:ApiKeyEnv: environment variable '{p.ApiKeyEnv}' is not set.");
            }
            if (p.Timeout <= TimeSpan.Zero)
                errors.Add($"{key}:Timeout: must be positive.");
            if (!(p.FailureRateLimit > 0 && p.FailureRateLimit <= 1))
                errors.Add($"{key}:FailureRateLimit: must be greater than 0 and at most 1 (was {p.FailureRateLimit}).");
            if (p.FailureWindow <= TimeSpan.Zero)
                errors.Add($"{key}:FailureWindow: must be positive.");
            if (p.FailureMinRequests < 1)
                errors.Add($"{key}:FailureMinRequests: must be at least 1 (was {p.FailureMinRequests}).");
            if (p.ReactivationPeriod <= TimeSpan.Zero)
                errors.Add($"{key}:ReactivationPeriod: must be positive.");
            providers[name] = new Provider
            {
                Name = name,
                IsAzure = string.Equals(p.Kind, ProviderKinds.AzureOpenAi, StringComparison.OrdinalIgnoreCase),
                ApiKey = apiKey,
                Timeout = p.Timeout,
                Headers = [.. p.Headers],
                ApiVersion = p.ApiVersion,
                BaseUrls = urls,
                LoadBalancingPolicy = p.LoadBalancingPolicy,
                PassiveHealth = new PassiveHealthSettings(p.FailureRateLimit, p.FailureWindow, p.FailureMinRequests, p.ReactivationPeriod),
            };
        }
        if (providers.Count == 0)
            errors.Add("Gateway:Providers: at least one provider is needed.");

        var targets = new Dictionary<string, UpstreamTarget>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, m) in options.Models)
        {
            var key = $"Gateway:Models:{name}";
            if (string.IsNullOrWhiteSpace(m.Provider))
                errors.Add($"{key}:Provider: a model needs a provider.");
            else if (!providers.TryGetValue(m.Provider, out var provider))
                errors.Add($"{key}:Provider: provider '{m.Provider}' is not defined under Gateway:Providers.");
            else
                targets[name] = new UpstreamTarget(name, provider, string.IsNullOrWhiteSpace(m.UpstreamModel) ? name : m.UpstreamModel);
        }

        var models = new List<ModelRoute>();
        var byName = new Dictionary<string, ModelRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, m) in options.Models)
        {
            if (!targets.TryGetValue(name, out var primary))
                continue;
            var candidates = new List<UpstreamTarget> { primary };
            for (var i = 0; i < m.Fallbacks.Count; i++)
            {
                var fallback = m.Fallbacks[i];
                if (!targets.TryGetValue(fallback, out var target))
                    errors.Add($"Gateway:Models:{name}:Fallbacks:{i}: model '{fallback}' is not defined under Gateway:Models.");
                else if (string.Equals(fallback, name, StringComparison.OrdinalIgnoreCase))
                    errors.Add($"Gateway:Models:{name}:Fallbacks:{i}: a model cannot fall back to itself.");
                else
                    candidates.Add(target);
            }
            var route = new ModelRoute(name, candidates);
            models.Add(route);
            byName[name] = route;
        }
        foreach (var (name, m) in options.Models)
        {
            for (var i = 0; i < m.Aliases.Count; i++)
            {
                var alias = m.Aliases[i];
                if (byName.ContainsKey(alias))
                    errors.Add($"Gateway:Models:{name}:Aliases:{i}: '{alias}' is already a model name or alias.");
                else if (byName.TryGetValue(name, out var route))
                    byName[alias] = route;
            }
        }

        Provider? defaultProvider = null;
        if (!string.IsNullOrWhiteSpace(options.DefaultProvider) && !providers.TryGetValue(options.DefaultProvider, out defaultProvider))
            errors.Add($"Gateway:DefaultProvider: provider '{options.DefaultProvider}' is not defined under Gateway:Providers.");
        defaultProvider ??= providers.Values.FirstOrDefault();

        if (errors.Count > 0 || defaultProvider is null)
            return null;
        return new RoutingTable([.. providers.Values], byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), models, defaultProvider);
    }
}
