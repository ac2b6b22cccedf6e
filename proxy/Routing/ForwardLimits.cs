using System.Threading.RateLimiting;
using LlmGateway.Gateway;
using Microsoft.AspNetCore.RateLimiting;

namespace LlmGateway.Routing;

/// <summary>
/// Load shedding for forwards: at most <c>Gateway:Limits:MaxConcurrentForwards</c> requests are with a provider at
/// once, up to <c>MaxQueuedForwards</c> more wait (oldest first), and the rest get 503 with <c>Retry-After</c> at once
/// instead of making everyone's latency grow. It sits after the cache, so hits and the health endpoints are served
/// while providers are saturated. ASP.NET Core's rate-limiting middleware with one concurrency limiter does the work
/// (and reports <c>aspnetcore.rate_limiting.*</c> metrics).
/// </summary>
internal static class ForwardLimits
{
    /// <summary>What the client is told to wait before retrying, in seconds: a slot frees as soon as one answer ends.</summary>
    private const string RetryAfterSeconds = "1";

    /// <summary>Adds the limiter step to the proxy pipeline. Read once at startup: the two keys take effect on restart.</summary>
    public static IReverseProxyApplicationBuilder UseForwardLimits(this IReverseProxyApplicationBuilder proxy)
    {
        var limits = proxy.ApplicationServices.GetRequiredService<GatewayConfigStore>().Current.Options.Limits;
        var limiterOptions = new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.MaxConcurrentForwards,
            QueueLimit = limits.MaxQueuedForwards,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        };
        proxy.UseRateLimiter(new RateLimiterOptions
        {
            GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, int>(_ => RateLimitPartition.GetConcurrencyLimiter(0, _ => limiterOptions)),
            RejectionStatusCode = StatusCodes.Status503ServiceUnavailable,
            OnRejected = (rejected, _) =>
            {
                var context = rejected.HttpContext;
                context.Response.Headers.RetryAfter = RetryAfterSeconds;
                return new ValueTask(OpenAiError.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                    "The gateway is forwarding as many requests as it is configured to; retry shortly.", OpenAiError.Server, code: "server_overloaded"));
            },
        });
        return proxy;
    }
}
