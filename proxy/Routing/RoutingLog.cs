namespace LlmGateway.Routing;

/// <summary>Log messages of routing and failover (event ids 1100-1199).</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(1100, LogLevel.Warning, "Model {Model} on provider {Provider} failed ({Reason}) before any byte reached the client; falling back to {Fallback}", EventName = "FallingBack")]
    public static partial void FallingBack(ILogger logger, string model, string provider, string reason, string fallback);

    [LoggerMessage(1101, LogLevel.Warning, "Model {Model} on provider {Provider} failed ({Reason}) and no fallback remains", EventName = "UpstreamFailed")]
    public static partial void UpstreamFailed(ILogger logger, string model, string provider, string reason);
}
