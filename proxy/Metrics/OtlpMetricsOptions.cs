namespace LlmGateway.Metrics;

/// <summary><c>Gateway:Metrics:Otlp</c>: push the same metrics to an OpenTelemetry collector. Off by default.</summary>
public sealed record OtlpMetricsOptions
{
    public bool Enabled { get; init; }

    /// <summary>Collector URL, e.g. <c>http://otel-collector:4317</c> (grpc) or <c>http://otel-collector:4318/v1/metrics</c> (http/protobuf). Required when enabled.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>. Default <c>grpc</c>.</summary>
    public string Protocol { get; init; } = "grpc";

    /// <summary>How often metrics are pushed. Default 60 s.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Extra headers (e.g. an API key for a hosted backend), as <c>name=value,name2=value2</c>.</summary>
    public string? Headers { get; init; }
}
