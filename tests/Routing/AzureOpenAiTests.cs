using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Routing;

public sealed class AzureOpenAiTests
{
    [Fact]
    public async Task Azure_requests_use_the_deployment_path_api_version_and_api_key_header()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Providers:azure:Kind"] = "azure-openai",
            ["Gateway:Providers:azure:BaseUrl"] = upstream.Url,
            ["Gateway:Providers:azure:ApiKeyEnv"] = "AZURE_KEY",
            ["Gateway:Providers:azure:ApiVersion"] = "2024-10-21",
            ["Gateway:Providers:azure:Headers:x-extra"] = "yes",
            ["AZURE_KEY"] = "azure-secret",
            ["Gateway:Models:gpt-4o:Provider"] = "azure",
            ["Gateway:Models:gpt-4o:UpstreamModel"] = "my-gpt4o-deployment",
            ["Gateway:Teams:t:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(GatewayHost.TeamKey),
        });

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("gpt-4o", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(upstream.Requests);
        Assert.Equal("/openai/deployments/my-gpt4o-deployment/chat/completions", received.Path);
        Assert.Equal("?api-version=2024-10-21", received.Query);
        Assert.Equal("azure-secret", received.Headers["api-key"]);
        Assert.False(received.Headers.ContainsKey("Authorization"));
        Assert.Equal("yes", received.Headers["x-extra"]);
    }
}
