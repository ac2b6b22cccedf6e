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

    /// <summary>
    /// Requests the gateway forwards to providers at once (streams count until they end); cache hits do not count.
    /// Read at startup. Default 1000.
    /// </summary>
    public int MaxConcurrentForwards { get; init; } = 1000;

    /// <summary>
    /// Forwards that wait for a slot, oldest first, when <see cref="MaxConcurrentForwards"/> are busy; beyond them the
    /// gateway answers 503 with <c>Retry-After</c> at once. 0 sheds as soon as all slots are busy. Read at startup. Default 1000.
    /// </summary>
    public int MaxQueuedForwards { get; init; } = 1000;

    /// <summary>The problems of <c>Gateway:Limits</c>, one line each naming its key.</summary>
    internal IEnumerable<string> Validate()
    {
        if (MaxBodyBytes <= 0) yield return "Gateway:Limits:MaxBodyBytes: must be positive.";
        if (MaxBufferedBodyBytes < MaxBodyBytes) yield return "Gateway:Limits:MaxBufferedBodyBytes: must be at least Gateway:Limits:MaxBodyBytes.";
        if (MaxCaptureBytes <= 0) yield return "Gateway:Limits:MaxCaptureBytes: must be positive.";
        if (MaxConcurrentForwards <= 0) yield return "Gateway:Limits:MaxConcurrentForwards: must be positive.";
        if (MaxQueuedForwards < 0) yield return "Gateway:Limits:MaxQueuedForwards: must not be negative.";
    }
}
