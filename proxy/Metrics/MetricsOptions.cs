namespace LlmGateway.Metrics;

/// <summary><c>Gateway:Metrics</c>: where Prometheus scrapes, how many series a family may hold, optional OTLP export. Read at startup.</summary>
public sealed record MetricsOptions
{
    public const string Section = "Gateway:Metrics";

    /// <summary>Path of the Prometheus endpoint. Default <c>/metrics</c>.</summary>
    public string Path { get; init; } = "/metrics";

    /// <summary>
    /// A separate port for the Prometheus endpoint (then it is not served on the proxy's port). 0 picks a free
    /// port (tests). Default: none, the endpoint is served on the proxy's own port.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>Address the separate <see cref="Port"/> binds to. Default <c>127.0.0.1</c>; <c>0.0.0.0</c> for every interface.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>Most series one instrument may keep (label combinations); more go to one <c>otel_metric_overflow="true"</c> series. Default 5000.</summary>
    public int CardinalityLimit { get; init; } = 5000;

    /// <summary>SLO used by the built-in dashboard to colour p95 latency. Default 10 s.</summary>
    public TimeSpan LatencySlo { get; init; } = TimeSpan.FromSeconds(10);

    public OtlpMetricsOptions Otlp { get; init; } = new();
}
