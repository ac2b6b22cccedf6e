using LlmGateway.Admin;
using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Routing;

namespace LlmGateway.Gateway;

/// <summary>The <c>Gateway</c> configuration section: the user-facing contract.</summary>
public sealed record GatewayOptions
{
    public const string Section = "Gateway";

    public Dictionary<string, ProviderOptions> Providers { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, ModelOptions> Models { get; init; } = new(StringComparer.OrdinalIgnoreCase);
    public Dictionary<string, TeamOptions> Teams { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Provider for <c>/v1/*</c> calls that name no model (files, batches, ...). Default: the first provider.</summary>
    public string? DefaultProvider { get; init; }

    /// <summary>
    /// Paths under <c>/v1</c> (e.g. <c>/v1/files</c>, matched by segment and case) forwarded to the default provider
    /// without metering; a JSON body that names a model is still resolved, allow-listed and metered. Default: none.
    /// </summary>
    public List<string> PassThroughPaths { get; init; } = [];

    public LimitsOptions Limits { get; init; } = new();

    public AdminOptions Admin { get; init; } = new();

    public Storage.StorageOptions Storage { get; init; } = new();

    /// <summary>Prices per model (USD), matched on the resolved model.</summary>
    public Dictionary<string, Budgets.PriceOptions> Prices { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    public DemoUpstreamOptions DemoUpstream { get; init; } = new();

    /// <summary>How long shutdown waits for in-flight requests and streams. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
