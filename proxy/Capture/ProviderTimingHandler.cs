using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Capture;

/// <summary>
/// The innermost handler of the forwarder's HTTP client, where the provider actually is: times each attempt from
/// handing the request to the socket handler to the last byte of the provider's body (or the failure), so the
/// forwarder's own work (transforms, request and response plumbing, the copy to the client) is the gateway's overhead
/// and not upstream time. Requests the capture did not mark (<see cref="Attach"/>) pass through untimed.
/// </summary>
internal sealed class ProviderTimingHandler(HttpMessageHandler inner, TimeProvider time) : DelegatingHandler(inner)
{
    private static readonly HttpRequestOptionsKey<IProviderTimeWriter> TimingKey = new("LlmGateway.ProviderTiming");

    /// <summary>YARP request transform: marks the outgoing request with the exchange's capture (when it has one).</summary>
    public static ValueTask Attach(RequestTransformContext context)
    {
        if (context.HttpContext.Features.Get<IProviderTimeWriter>() is { } writer)
            context.ProxyRequest.Options.Set(TimingKey, writer);
        return ValueTask.CompletedTask;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(TimingKey, out var writer))
            return await base.SendAsync(request, cancellationToken);
        var sent = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch
        {
            writer.AddProviderTime(time.GetElapsedTime(sent));
            throw;
        }
        response.Content = new ProviderTimedContent(response.Content, () => writer.AddProviderTime(time.GetElapsedTime(sent)));
        return response;
    }
}
