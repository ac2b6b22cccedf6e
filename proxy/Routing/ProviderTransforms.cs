using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Routing;

/// <summary>
/// YARP transforms that point each attempt at its provider: path (Azure deployments), credentials,
/// extra headers; and that hold back a 429/5xx answer when a fallback remains.
/// </summary>
internal static class ProviderTransforms
{
    private const string AzureKeyHeader = "api-key";

    public static ValueTask ApplyRequest(RequestTransformContext context)
    {
        var attempt = context.HttpContext.Features.GetRequiredFeature<UpstreamAttempt>();
        var provider = attempt.Target.Provider;
        var rest = context.Path.StartsWithSegments("/v1", out var remaining) ? remaining : context.Path;
        var headers = context.ProxyRequest.Headers;
        headers.Remove(HeaderNames.Authorization);
        headers.Remove(AzureKeyHeader);

        if (provider.IsAzure)
        {
            context.Path = IsDeploymentScoped(rest)
                ? "/openai/deployments/" + Uri.EscapeDataString(attempt.Target.UpstreamModel) + rest
                : "/openai" + rest;
            context.Query.Collection["api-version"] = provider.ApiVersion;
            if (provider.ApiKey is not null)
                headers.TryAddWithoutValidation(AzureKeyHeader, provider.ApiKey);
        }
        else
        {
            context.Path = rest;
            if (provider.ApiKey is not null)
                headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }
        foreach (var header in provider.Headers)
        {
            headers.Remove(header.Key);
            headers.TryAddWithoutValidation(header.Key, header.Value);
        }
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

    private static bool IsDeploymentScoped(PathString rest) =>
        rest.StartsWithSegments("/chat") || rest.StartsWithSegments("/completions") || rest.StartsWithSegments("/embeddings")
        || rest.StartsWithSegments("/audio") || rest.StartsWithSegments("/images");
}
