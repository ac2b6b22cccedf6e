namespace LlmGateway.Metrics;

/// <summary>Log messages of the metrics capability (event ids 7000-7099).</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(7000, LogLevel.Information, "Metrics: Prometheus endpoint {Path} on {Where}", EventName = "MetricsEndpoint")]
    public static partial void Endpoint(ILogger logger, string path, string where);

    [LoggerMessage(7001, LogLevel.Information, "Metrics: OTLP export to {Endpoint} ({Protocol}) every {IntervalSeconds} s", EventName = "OtlpEnabled")]
    public static partial void OtlpEnabled(ILogger logger, string endpoint, string protocol, double intervalSeconds);

    [LoggerMessage(7004, LogLevel.Error, "Metrics: collection failed", EventName = "CollectFailed")]
    public static partial void CollectFailed(ILogger logger, Exception exception);
}
