using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Demo;
using LlmGateway.Routing;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Routing;

/// <summary>A provider error that quotes the provider's key reaches the client with the key replaced.</summary>
public sealed class ProviderErrorBodyTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        _gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Theory]
    [InlineData(401, false)]
    [InlineData(400, false)]
    [InlineData(500, false)]
    [InlineData(401, true)]
    [InlineData(500, true)]
    public async Task An_error_body_echoing_the_provider_key_reaches_the_client_with_the_key_replaced(int status, bool gzip)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "hello") };
        request.Headers.Add("x-fake-status", status.ToString());
        request.Headers.Add("x-fake-echo-auth", "1");
        if (gzip)
            request.Headers.Add("x-fake-gzip", "1");
        // The client accepts gzip (as SDKs do) and decodes whatever arrives, so a compressed key would be found too.
        using var client = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }) { BaseAddress = new Uri(_gateway.Url) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", GatewayHost.TeamKey);

        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.DoesNotContain(GatewayHost.ProviderKey, body);
        Assert.Equal("Incorrect API key provided: Bearer " + ProviderErrorBody.Placeholder, JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_error_body_without_the_key_is_relayed_byte_for_byte()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "hello") };
        request.Headers.Add("x-fake-status", "400");

        using var response = await _gateway.Client().SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{\"error\":{\"message\":\"fake upstream error 400\",\"type\":\"server_error\",\"param\":null,\"code\":null}}", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("no key here", "sk-abc", "no key here")]
    [InlineData("sk-abc and sk-abc.", "sk-abc", "sk-...redacted and sk-...redacted.")]
    [InlineData("\"key\":\"a\\u002Bb==\"", "a+b==", "\"key\":\"sk-...redacted\"")]
    public void Scrub_replaces_the_key_raw_and_json_escaped(string body, string key, string expected) =>
        Assert.Equal(expected, Encoding.UTF8.GetString(ProviderErrorBody.Scrub(Encoding.UTF8.GetBytes(body), key)));
}
