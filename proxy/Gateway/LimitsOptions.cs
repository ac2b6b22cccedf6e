namespace LlmGateway.Gateway;

/// <summary>Request limits, bound from <c>Gateway:Limits</c>.</summary>
public sealed record LimitsOptions
{
    /// <summary>Largest JSON body the gateway reads (413 above). Default 16 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;
}
