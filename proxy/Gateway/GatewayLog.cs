namespace LlmGateway.Gateway;

/// <summary>Log messages of the request path and configuration (event ids 1000-1099, and 11200-11299 for configuration reloads). Never keys or prompt text.</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(1000, LogLevel.Information, "Configuration reloaded: generation {Generation}, {Providers} providers, {Models} models", EventName = "ConfigReloaded")]
    public static partial void ConfigReloaded(ILogger logger, long generation, int providers, int models);

    [LoggerMessage(1001, LogLevel.Error, "Configuration reload rejected, keeping the last good configuration ({Count} errors): {Errors}", EventName = "ConfigReloadRejected")]
    public static partial void ConfigReloadRejected(ILogger logger, int count, string errors);

    /// <param name="path">The path and the query, credentials redacted (<see cref="CredentialQuery"/>).</param>
    [LoggerMessage(1002, LogLevel.Information, "{Method} {Path} {Status} team={Team} model={Model} provider={Provider} {ElapsedMs:0.000} ms request_id={RequestId}", EventName = "Request")]
    public static partial void Request(ILogger logger, string method, string path, int status, string team, string model, string provider, double elapsedMs, string requestId);

    [LoggerMessage(1003, LogLevel.Error, "Unhandled error on {Method} {Path} request_id={RequestId}", EventName = "UnhandledError")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string method, string path, string requestId);

    [LoggerMessage(1004, LogLevel.Information, "Demo upstream listening on {Url} (fake answers, no API key needed)", EventName = "DemoUpstreamStarted")]
    public static partial void DemoUpstreamStarted(ILogger logger, string url);

    [LoggerMessage(1010, LogLevel.Warning, "Demo upstream: {From} is in use, so it listens on {To} instead (providers pointing at it follow; set Gateway:DemoUpstream:Url to choose)", EventName = "DemoUpstreamMoved")]
    public static partial void DemoUpstreamMoved(ILogger logger, string from, string to);

    [LoggerMessage(1011, LogLevel.Error, "Demo upstream could not listen on {Url}: {Reason} (set Gateway:DemoUpstream:Url and the demo provider's BaseUrl to a free port)", EventName = "DemoUpstreamFailed")]
    public static partial void DemoUpstreamFailed(ILogger logger, string url, string reason);

    [LoggerMessage(11200, LogLevel.Warning, "Configuration reload changed keys that are read only at startup; the gateway keeps their startup values until it restarts: {Keys}", EventName = "StartupOnlyKeysChanged")]
    public static partial void StartupOnlyKeysChanged(ILogger logger, string keys);
}
