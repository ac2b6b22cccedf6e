namespace LlmGateway.Metrics;

/// <summary>Answers a scrape: collects, renders the text format into a pooled buffer, writes it.</summary>
internal sealed class PrometheusEndpoint(MetricsPipeline pipeline, TimeProvider time, ILogger<PrometheusEndpoint> logger)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public async Task HandleAsync(HttpContext context)
    {
        using var buffer = new PooledBufferWriter();
        var started = time.GetTimestamp();
        pipeline.WritePrometheus(buffer);
        if (logger.IsEnabled(LogLevel.Debug))
            MetricsLog.Scraped(logger, buffer.WrittenCount, time.GetElapsedTime(started).TotalMilliseconds);
        context.Response.ContentType = ContentType;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentLength = buffer.WrittenCount;
        if (!HttpMethods.IsHead(context.Request.Method))
            await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted);
    }
}
