using LlmGateway.Gateway;
using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Routing;

/// <summary>
/// YARP transforms that point each attempt at its provider: path (Azure deployments), credentials,
/// extra headers; that hold back a 429/5xx answer when a fallback remains (<see cref="HoldsBack"/>, the rule the failover
/// step reads the outcome by: nothing is written for it); and that relay any other error answer with the provider's key
/// scrubbed from its body.
/// </summary>
internal static class ProviderTransforms
{
    public static ValueTask ApplyRequest(RequestTransformContext context)
    {
        var target = context.HttpContext.Exchange()!.Attempt!.Target;
        context.Path = ProviderAddressing.PathFor(target, context.Path);
        RemoveCredentialQuery(context);
        if (ProviderAddressing.ApiVersion(target.Provider) is { } apiVersion)
            context.Query.Collection["api-version"] = apiVersion;
        ProviderAddressing.SetCredentials(context.ProxyRequest.Headers, target.Provider);
        return ValueTask.CompletedTask;
    }

    public static async ValueTask ApplyResponse(ResponseTransformContext context)
    {
        if (context.ProxyResponse is not { } response)
            return;
        var status = (int)response.StatusCode;
        var attempt = context.HttpContext.Exchange()?.Attempt;
        if (HoldsBack(attempt, status))
            context.SuppressResponseBody = true;
        else if (status >= 400 && attempt?.Target.Provider.ApiKey is { Length: > 0 } key)
        {
            // Success bodies (streams) are never touched; error bodies are small and read whole.
            context.SuppressResponseBody = true;
            await ProviderErrorBody.RelayScrubbedAsync(context.HttpContext, response, key, context.CancellationToken);
        }
    }

    /// <summary>
    /// A 429/5xx answer while a fallback remains is held back: its status and headers reach the response (not started),
    /// its body does not, and the failover step tries the next target.
    /// </summary>
    public static bool HoldsBack(UpstreamAttempt? attempt, int status) => attempt is { IsLast: false } && IsRetryable(status);

    public static bool IsRetryable(int status) => status == StatusCodes.Status429TooManyRequests || status >= 500;

    /// <summary>
    /// A key in the client's query (<c>?api_key=</c>) is the client's, not the provider's, and would end up in the
    /// provider's logs and in YARP's "Proxying to" line. The query is only rebuilt when there is one to remove.
    /// </summary>
    private static void RemoveCredentialQuery(RequestTransformContext context)
    {
        foreach (var name in context.HttpContext.Request.Query.Keys)
        {
            if (CredentialQuery.IsCredential(name))
                context.Query.Collection.Remove(name);
        }
    }
}
