namespace LlmGateway.Routing;

/// <summary>
/// Builds a request to a provider outside the YARP pipeline (the cache's shadow checks), with the same
/// URL and credential rules as <see cref="ProviderTransforms"/>.
/// </summary>
internal static class ProviderRequests
{
    public static HttpRequestMessage Create(UpstreamTarget target, string v1Path, ReadOnlyMemory<byte> body)
    {
        var provider = target.Provider;
        var rest = v1Path.StartsWith("/v1", StringComparison.Ordinal) ? v1Path[3..] : v1Path;
        var baseUrl = provider.BaseUrls[0].TrimEnd('/');
        var url = provider.IsAzure
            ? $"{baseUrl}/openai/deployments/{Uri.EscapeDataString(target.UpstreamModel)}{rest}?api-version={Uri.EscapeDataString(provider.ApiVersion)}"
            : baseUrl + rest;
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (provider.ApiKey is not null)
        {
            if (provider.IsAzure) request.Headers.TryAddWithoutValidation("api-key", provider.ApiKey);
            else request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }
        foreach (var header in provider.Headers)
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        return request;
    }
}
