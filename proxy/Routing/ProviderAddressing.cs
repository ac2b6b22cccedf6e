using System.Net.Http.Headers;
using Microsoft.Net.Http.Headers;

namespace LlmGateway.Routing;

/// <summary>
/// Where an OpenAI path goes on a provider and how the provider's credential is sent — the one place these
/// rules live (YARP's request transform and the cache's shadow requests both use them).
/// </summary>
internal static class ProviderAddressing
{
    private const string AzureKeyHeader = "api-key";

    /// <summary>The provider-side path for a client path (<c>/v1/chat/completions</c>); Azure adds the deployment.</summary>
    public static PathString PathFor(UpstreamTarget target, PathString clientPath)
    {
        var rest = clientPath.StartsWithSegments("/v1", out var remaining) ? remaining : clientPath;
        if (!target.Provider.IsAzure)
            return rest;
        return IsDeploymentScoped(rest)
            ? "/openai/deployments/" + Uri.EscapeDataString(target.UpstreamModel) + rest
            : "/openai" + rest;
    }

    /// <summary>The query the provider needs (Azure's <c>api-version</c>); null for none.</summary>
    public static string? ApiVersion(Provider provider) => provider.IsAzure ? provider.ApiVersion : null;

    /// <summary>Removes any client credential and adds the provider's key and extra headers.</summary>
    public static void SetCredentials(HttpRequestHeaders headers, Provider provider)
    {
        headers.Remove(HeaderNames.Authorization);
        headers.Remove(AzureKeyHeader);
        if (provider.ApiKey is not null)
        {
            if (provider.IsAzure) headers.TryAddWithoutValidation(AzureKeyHeader, provider.ApiKey);
            else headers.Authorization = new AuthenticationHeaderValue("Bearer", provider.ApiKey);
        }
        foreach (var header in provider.Headers)
        {
            headers.Remove(header.Key);
            headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    private static bool IsDeploymentScoped(PathString rest) =>
        rest.StartsWithSegments("/chat") || rest.StartsWithSegments("/completions") || rest.StartsWithSegments("/embeddings")
        || rest.StartsWithSegments("/audio") || rest.StartsWithSegments("/images");
}
