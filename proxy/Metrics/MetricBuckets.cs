namespace LlmGateway.Metrics;

/// <summary>Explicit histogram bucket boundaries (upper bounds), applied by views in <see cref="MetricsPipeline"/>.</summary>
internal static class MetricBuckets
{
    /// <summary>Whole requests, cache hits included: 1 ms … 120 s.</summary>
    public static double[] RequestSeconds => [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    /// <summary>Upstream duration and time to first token: 5 ms … 120 s.</summary>
    public static double[] UpstreamSeconds => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

    /// <summary>Time spent in the gateway itself: 50 µs … 100 ms.</summary>
    public static double[] OverheadSeconds => [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

    /// <summary>Embedding one query: 1 ms … 5 s.</summary>
    public static double[] EmbeddingSeconds => [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    /// <summary>Cosine similarity of accepted semantic hits: 0.5 … 1.</summary>
    public static double[] Similarity => [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.975, 0.99, 1];

    /// <summary>Any other histogram in seconds that brings no bucket advice of its own.</summary>
    public static double[] DefaultSeconds => RequestSeconds;

    /// <summary>
    /// The boundaries for a histogram: this capability's own instruments by name; then the instrument's own advice
    /// (other capabilities choose their buckets); then defaults for known families and for units of seconds;
    /// null keeps the SDK default.
    /// </summary>
    public static double[]? For(string instrumentName, string? unit, IReadOnlyList<double>? advice) => instrumentName switch
    {
        GatewayMetrics.RequestDurationName => RequestSeconds,
        GatewayMetrics.OverheadName => OverheadSeconds,
        RoutingMetrics.UpstreamDurationName or RoutingMetrics.TimeToFirstTokenName => UpstreamSeconds,
        _ when advice is { Count: > 0 } => [.. advice],
        "llm_gateway.embedding.duration" => EmbeddingSeconds,
        "llm_gateway.cache.similarity" => Similarity,
        _ when unit == "s" => DefaultSeconds,
        _ => null,
    };
}
