namespace LlmGateway.Routing;

/// <summary>A request to a provider outside the YARP pipeline (the cache's shadow checks), addressed like the forward.</summary>
internal static class ProviderRequests
{
    public static HttpRequestMessage Create(UpstreamTarget target, string clientPath, ReadOnlyMemory<byte> body)
    {
        var provider = target.Provider;
        var url = provider.BaseUrls[0].TrimEnd('/') + ProviderAddressing.PathFor(target, clientPath);
        if (ProviderAddressing.ApiVersion(provider) is { } apiVersion)
            url += "?api-version=" + Uri.EscapeDataString(apiVersion);
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        ProviderAddressing.SetCredentials(request.Headers, provider);
        return request;
    }
}
