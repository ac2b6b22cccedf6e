using System.ClientModel;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using OpenAI;
using OpenAI.Chat;

namespace LlmGateway.Tests.Gateway;

/// <summary>The official OpenAI .NET SDK, pointed at the gateway by base URL and team key only.</summary>
public sealed class OpenAiSdkTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;
    private OpenAIClient _client = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { ChunkDelayMs = 1 });
        _gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        _client = new OpenAIClient(new ApiKeyCredential(GatewayHost.TeamKey), new OpenAIClientOptions { Endpoint = new Uri(_gateway.Url + "/v1") });
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Chat()
    {
        ChatCompletion completion = await _client.GetChatClient("gpt-4o-mini").CompleteChatAsync([new UserChatMessage("What is a gateway?")]);

        Assert.Equal("This is the fake upstream's answer to: What is a gateway?", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.True(completion.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Streaming_chat()
    {
        var text = "";
        var updates = 0;
        await foreach (var update in _client.GetChatClient("mini").CompleteChatStreamingAsync([new UserChatMessage("Stream it")]))
        {
            updates++;
            foreach (var part in update.ContentUpdate)
                text += part.Text;
        }

        Assert.Equal("This is the fake upstream's answer to: Stream it", text);
        Assert.True(updates > 3);
    }

    [Fact]
    public async Task Embeddings()
    {
        var embedding = await _client.GetEmbeddingClient("text-embedding-3-small").GenerateEmbeddingAsync("embed me");

        var vector = embedding.Value.ToFloats().ToArray();
        Assert.Equal(16, vector.Length);
        Assert.InRange(vector.Sum(x => x * x), 0.999f, 1.001f);
    }
}
