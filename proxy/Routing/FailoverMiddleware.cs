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
        var exchange = context.Features.GetRequiredFeature<IFailoverExchange>();
        var request = exchange.Request;
        var candidates = request.Model?.Candidates ?? [new UpstreamTarget("", config.Current.Routing.DefaultProvider, "")];
        var tries = request.IsReplayable ? candidates.Count : 1;

        for (var i = 0; i < tries; i++)
        {
            var target = candidates[i];
            proxyState.TryGetCluster(target.Provider.ClusterId, out var cluster);
            var attempt = exchange.BeginAttempt(target, i, isLast: i == tries - 1, cluster);
            if (request.IsReplayable)
            {
                var body = ForwardBody.For(exchange, target);
                // ForwardBody returns whole arrays (the client's buffer or a fresh serialisation): wrap, don't copy.
                context.Request.Body = System.Runtime.InteropServices.MemoryMarshal.TryGetArray(body, out var segment)
                    ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
                    : new MemoryStream(body.ToArray(), writable: false);
                context.Request.ContentLength = body.Length;
            }
            if (cluster is null)
            {
                await OpenAiError.WriteAsync(context, StatusCodes.Status502BadGateway,
                    $"Provider '{target.Provider.Name}' is not available.", OpenAiError.Upstream, code: "provider_unavailable");
                return;
            }
            context.ReassignProxyRequest(cluster);

            await next(context);

            var error = context.GetForwarderErrorFeature();
            // The response transform held the answer's body back (same rule, read here): its status is the provider's.
            int? heldBack = error is null && !context.Response.HasStarted && ProviderTransforms.HoldsBack(attempt, context.Response.StatusCode)
                ? context.Response.StatusCode
                : null;
            metrics.AttemptEnded(context, attempt, heldBack, error?.Error);
            if (heldBack is null && error is null)
                return;
            if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
                return;
            var reason = UpstreamFailure.Describe(heldBack, error?.Error);
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
