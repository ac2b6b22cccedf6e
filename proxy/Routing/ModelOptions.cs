namespace LlmGateway.Routing;

/// <summary>A client-facing model name, bound from <c>Gateway:Models:{name}</c>.</summary>
public sealed record ModelOptions
{
    /// <summary>Name of the provider under <c>Gateway:Providers</c>.</summary>
    public string? Provider { get; init; }

    /// <summary>Model name sent upstream (Azure: the deployment name). Defaults to the client-facing name.</summary>
    public string? UpstreamModel { get; init; }

    /// <summary>Other client-facing names that resolve to this model.</summary>
    public List<string> Aliases { get; init; } = [];

    /// <summary>Models tried in order when this one fails before any byte reached the client.</summary>
    public List<string> Fallbacks { get; init; } = [];
}
