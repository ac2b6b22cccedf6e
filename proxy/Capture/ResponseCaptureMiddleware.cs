using LlmGateway.Gateway;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Capture;

/// <summary>
/// The proxy-pipeline step right before the forward: creates the exchange's <see cref="CapturedResponse"/> (with what
/// the budgets step planned: events to hold back, a stream cutoff), tees the provider's answer into it while it streams
/// to the client, and records whether it completed.
/// </summary>
internal sealed class ResponseCaptureMiddleware(RequestDelegate next, GatewayConfigStore config, TimeProvider time)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // Upstream time and time to first token start here, after everything the gateway did before the forward.
        var capture = context.Features.GetRequiredFeature<ICaptureExchange>().StartCapture(config.Current.Options.Limits.MaxCaptureBytes, time.GetTimestamp());
        // The forwarder's outbound handler adds the provider's own time to it (ProviderTimingHandler).
        context.Features.Set<IProviderTimeWriter>(capture);
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
