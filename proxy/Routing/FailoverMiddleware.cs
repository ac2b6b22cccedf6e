using LlmGateway.Gateway;
using LlmGateway.Metrics;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Routing;

/// <summary>
/// The proxy-pipeline step that sends the request to its model's provider and, on connect failure,
/// timeout, 429 or 5xx before any byte reached the client, to the next fallback.
/// </summary>
internal sealed class FailoverMiddleware(RequestDelegate next, GatewayConfigStore config, IProxyStateLookup proxyState, ILogger<FailoverMiddleware> logger, RoutingMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Features.GetRequiredFeature<GatewayRequest>();
        var candidates = request.Model?.Candidates ?? [new UpstreamTarget("", config.Current.Routing.DefaultProvider, "")];
        var tries = request.IsReplayable ? candidates.Count : 1;

        for (var i = 0; i < tries; i++)
        {
            var target = candidates[i];
            var attempt = new UpstreamAttempt(target, i, isLast: i == tries - 1);
            context.Features.Set(attempt);
            if (request.IsReplayable)
            {
                var body = request.BodyFor(target);
                // BodyFor returns whole arrays (the client's buffer or a fresh serialisation): wrap, don't copy.
                context.Request.Body = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment)
                    ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                    : new MemoryStream(body.ToArray(), writable: false);
                context.Request.ContentLength = body.Length;
            }
            if (!proxyState.TryGetCluster(target.Provider.ClusterId, out var cluster))
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway,
                    $"Provider '{target.Provider.Name}' is not available.", OpenAiError.Upstream, code: "provider_unavailable");
                return;
            }
            attempt.Cluster = cluster;
            context.ReassignProxyRequest(cluster);

            await next(context);

            var error = context.GetForwarderErrorFeature();
            metrics.AttemptEnded(context, attempt, error?.Error);
            if (attempt.RejectedStatus is null && error is null)
                return;
            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
                return;
            var reason = UpstreamFailure.Describe(attempt.RejectedStatus, error?.Error);
            if (attempt.IsLast)
            {
                RoutingLog.UpstreamFailed(logger, target.Model, target.Provider.Name, reason);
                if (error is not null)
                    await WriteForwarderErrorAsync(context, target, error.Error);
                return;
            }
            metrics.FallbackTaken(attempt, reason);
            RoutingLog.FallingBack(logger, target.Model, target.Provider.Name, reason, candidates[i + 1].Model);
            context.Response.Clear();
            context.Features.Set<IForwarderErrorFeature>(null);
        }
    }

    private static Task WriteForwarderErrorAsync(HttpContext context, UpstreamTarget target, ForwarderError error)
    {
        context.Response.Clear();
        return error == ForwarderError.RequestTimedOut
            ? OpenAiError.WriteAsync(context, StatusCodes.Status504GatewayTimeout,
                $"Provider '{target.Provider.Name}' did not answer within {target.Provider.Timeout.TotalSeconds:0.###} s.", OpenAiError.Upstream, code: "provider_timeout")
            : OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway,
                $"Provider '{target.Provider.Name}' could not be reached.", OpenAiError.Upstream, code: "provider_unreachable");
    }
}
