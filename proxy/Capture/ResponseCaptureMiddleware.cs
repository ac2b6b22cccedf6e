using LlmGateway.Gateway;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Capture;

/// <summary>
/// The proxy-pipeline step right before the forward: tees the provider's answer into a
/// <see cref="CapturedResponse"/> while it streams to the client, and records whether it completed.
/// </summary>
internal sealed class ResponseCaptureMiddleware(RequestDelegate next, GatewayConfigStore config, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var capture = CapturedResponse.For(context, config.Current.Options.Limits.MaxCaptureBytes, started);
        // Budgets may have created the capture before the cache lookup: upstream time starts here, not there.
        capture.StartedTimestamp = started;
        var original = context.Features.GetRequiredFeature<IHttpResponseBodyFeature>();
        var tee = new CapturingBodyFeature(original, context.Response, capture, time);
        context.Features.Set<IHttpResponseBodyFeature>(tee);
        try
        {
            await next(context);
            await tee.FlushRemainderAsync(context.RequestAborted);
        }
        finally
        {
            tee.CaptureUnsentRemainder();
            context.Features.Set(original);
            capture.EndedTimestamp = time.GetTimestamp();
            if (capture.FirstByteTimestamp is null)
            {
                // An answer with no body (or an error the gateway wrote itself).
                capture.StatusCode = context.Response.StatusCode;
                capture.ContentType = context.Response.ContentType;
            }
            capture.Completed = !capture.CutShort && context.GetForwarderErrorFeature() is null && !context.RequestAborted.IsCancellationRequested;
        }
    }
}
