using LlmGateway.Auth;
using LlmGateway.Metrics;
using Microsoft.AspNetCore.Http.Features;

namespace LlmGateway.Gateway;

/// <summary>
/// Outermost step: gives every request an id (<c>x-request-id</c>, kept from the client when sane,
/// forwarded and returned), writes the access log line (query credentials redacted), and turns an
/// unexpected exception into an OpenAI-shaped 500 instead of a dropped connection.
/// </summary>
internal sealed class RequestTrackingMiddleware(RequestDelegate next, ILogger<RequestTrackingMiddleware> logger, TimeProvider time, GatewayMetrics metrics)
{
    public const string RequestIdHeader = "x-request-id";
    private const string UpstreamRequestIdHeader = "x-upstream-request-id";

    public async Task InvokeAsync(HttpContext context)
    {
        var started = time.GetTimestamp();
        var requestId = RequestIds.FromClientOrNew(context.Request.Headers[RequestIdHeader].ToString());
        context.TraceIdentifier = requestId;
        context.Request.Headers[RequestIdHeader] = requestId;
        context.Response.OnStarting(static state =>
        {
            var (response, id) = ((HttpResponse, string))state;
            // The provider's own request id stays available for support tickets.
            if (response.Headers.TryGetValue(RequestIdHeader, out var upstreamId) && upstreamId != id)
                response.Headers[UpstreamRequestIdHeader] = upstreamId;
            response.Headers[RequestIdHeader] = id;
            return Task.CompletedTask;
        }, (context.Response, requestId));

        try
        {
            await next(context);
        }
        catch (BadHttpRequestException ex)
        {
            await OpenAiError.WriteAsync(context, ex.StatusCode, "The request could not be read: " + ex.Message, OpenAiError.InvalidRequest);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex)
        {
            GatewayLog.UnhandledError(logger, ex, context.Request.Method, context.Request.Path, requestId);
            if (context.Response.HasStarted)
                context.Features.Get<IHttpResponseBodyFeature>()?.Writer.Complete(ex);
            else
            {
                context.Response.Clear();
                await OpenAiError.WriteAsync(context, StatusCodes.Status500InternalServerError,
                    $"The gateway failed to handle the request (request id {requestId}).", OpenAiError.Server);
            }
        }
        finally
        {
            var elapsed = time.GetElapsedTime(started);
            metrics.RequestEnded(context, elapsed);
            if (logger.IsEnabled(LogLevel.Information))
            {
                var exchange = context.Exchange();
                // The query is logged with credentials redacted: this line stands in for ASP.NET Core's own
                // "Request starting" line, which prints keys and is filtered out (GatewayApp).
                var pathAndQuery = context.Request.Path + CredentialQuery.Redact(context.Request.QueryString);
                GatewayLog.Request(logger, context.Request.Method, pathAndQuery, context.Response.StatusCode,
                    context.Features.Get<TeamIdentity>()?.Team ?? "-",
                    exchange?.Request.Model?.Name ?? "-",
                    exchange?.Attempt?.Target.Provider.Name ?? "-",
                    elapsed.TotalMilliseconds, requestId);
            }
        }
    }
}
