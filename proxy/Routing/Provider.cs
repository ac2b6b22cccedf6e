namespace LlmGateway.Routing;

/// <summary>A provider as the request path uses it: config resolved, key read from the environment.</summary>
internal sealed class Provider
{
    public required string Name { get; init; }
    public required bool IsAzure { get; init; }
    public required string? ApiKey { get; init; }
    public required TimeSpan Timeout { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; }
    public required string ApiVersion { get; init; }
    public required IReadOnlyList<string> BaseUrls { get; init; }
    public required string LoadBalancingPolicy { get; init; }
    /// <summary>When one of several <see cref="BaseUrls"/> is taken out, and for how long.</summary>
    public required PassiveHealthSettings PassiveHealth { get; init; }

    /// <summary>The YARP cluster that forwards to this provider.</summary>
    public string ClusterId => "provider:" + Name;
}
