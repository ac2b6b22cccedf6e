using System.ClientModel;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace LlmGateway.Tests.Auth;

/// <summary>A request without a team key, or with one no team has, is a 401 in OpenAI's error shape and never reaches the provider.</summary>
public sealed class TeamKeyAuthTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        _gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Missing_key_is_401()
    {
        using var response = await _gateway.Client(key: null).PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        await Json.AssertOpenAiErrorAsync(response, 401, code: "missing_api_key");
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Unknown_key_is_401_also_on_models()
    {
        using var chat = await _gateway.Client("sk-gw-wrong").PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        using var models = await _gateway.Client("sk-gw-wrong").GetAsync("/v1/models");
        await Json.AssertOpenAiErrorAsync(chat, 401, code: "invalid_api_key");
        await Json.AssertOpenAiErrorAsync(models, 401, code: "invalid_api_key");
    }

    [Fact]
    public async Task Wrong_key_surfaces_as_a_401_client_result_exception()
    {
        var wrong = new OpenAIClient(new ApiKeyCredential("sk-gw-wrong"), new OpenAIClientOptions { Endpoint = new Uri(_gateway.Url + "/v1") });

        var ex = await Assert.ThrowsAsync<ClientResultException>(() => wrong.GetChatClient("mini").CompleteChatAsync([new UserChatMessage("hi")]));

        Assert.Equal(401, ex.Status);
        Assert.Contains("Incorrect API key", ex.Message);
    }
}
