namespace LlmGateway.Gateway;

/// <summary>Request limits, bound from <c>Gateway:Limits</c>.</summary>
public sealed record LimitsOptions
{
    /// <summary>Largest JSON body the gateway reads (413 above). Default 16 MiB.</summary>
    public long MaxBodyBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>
    /// Bytes of request bodies all requests in flight may hold in memory together; a request whose body would pass it
    /// gets 503 with <c>Retry-After</c>. Default 256 MiB.
    /// </summary>
    public long MaxBufferedBodyBytes { get; init; } = 256 * 1024 * 1024;

    /// <summary>How much of a provider's answer is kept for usage and caching while it streams to the client. Default 8 MiB.</summary>
    public long MaxCaptureBytes { get; init; } = 8 * 1024 * 1024;
}
