using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Routing;

/// <summary>
/// YARP transforms that point each attempt at its provider: path (Azure deployments), credentials,
/// extra headers; and that hold back a 429/5xx answer when a fallback remains.
/// </summary>
internal static class ProviderTransforms
{
    public static ValueTask ApplyRequest(RequestTransformContext context)
    {
        var target = context.HttpContext.Features.GetRequiredFeature<UpstreamAttempt>().Target;
        context.Path = ProviderAddressing.PathFor(target, context.Path);
        if (ProviderAddressing.ApiVersion(target.Provider) is { } apiVersion)
            context.Query.Collection["api-version"] = apiVersion;
        ProviderAddressing.SetCredentials(context.ProxyRequest.Headers, target.Provider);
        return ValueTask.CompletedTask;
    }

    public static ValueTask ApplyResponse(ResponseTransformContext context)
    {
        var attempt = context.HttpContext.Features.Get<UpstreamAttempt>();
        if (attempt is { IsLast: false } && context.ProxyResponse is { } response && IsRetryable((int)response.StatusCode))
        {
            context.SuppressResponseBody = true;
            attempt.RejectedStatus = (int)response.StatusCode;
        }
        return ValueTask.CompletedTask;
    }

    public static bool IsRetryable(int status) => status == StatusCodes.Status429TooManyRequests || status >= 500;
}
