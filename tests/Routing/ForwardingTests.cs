using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Routing;

public sealed class ForwardingTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:PassThroughPaths:0"] = "/v1/files";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Chat_is_forwarded_and_the_alias_is_rewritten_to_the_upstream_model()
    {
        using var response = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "What is YARP?"));

        var body = await Json.ReadObjectAsync(response);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeResponderAnswer("What is YARP?"), body["choices"]![0]!["message"]!["content"]!.GetValue<string>());
        var received = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/chat/completions", received.Path);
        Assert.Equal("fake-model", JsonNode.Parse(received.Body)!["model"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_body_whose_model_needs_no_rewrite_reaches_the_provider_byte_for_byte()
    {
        const string raw = "{\"model\":\"text-embedding-3-small\",  \"input\":\"spacing  kept\" }";
        using var response = await _gateway.Client().PostAsync("/v1/embeddings", Json.Body(raw));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(raw, Assert.Single(_upstream.Requests).Body);
    }

    [Fact]
    public async Task Completions_embeddings_and_responses_are_forwarded()
    {
        var client = _gateway.Client();
        using var completion = await client.PostAsync("/v1/completions", Json.Body("{\"model\":\"mini\",\"prompt\":\"Say hi\"}"));
        using var embedding = await client.PostAsync("/v1/embeddings", Json.Body("{\"model\":\"text-embedding-3-small\",\"input\":[\"a\",\"b\"]}"));
        using var responses = await client.PostAsync("/v1/responses", Json.Body("{\"model\":\"mini\",\"input\":\"Say hi\"}"));

        Assert.Equal("text_completion", (await Json.ReadObjectAsync(completion))["object"]!.GetValue<string>());
        Assert.Equal(2, (await Json.ReadObjectAsync(embedding))["data"]!.AsArray().Count);
        Assert.Equal("response", (await Json.ReadObjectAsync(responses))["object"]!.GetValue<string>());
        Assert.Equal(["/v1/completions", "/v1/embeddings", "/v1/responses"], _upstream.Requests.Select(r => r.Path));
    }

    [Fact]
    public async Task Streaming_chat_arrives_as_sse_chunks_ending_with_done()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "stream me", stream: true) };
        using var response = await _gateway.Client().SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.StartsWith("text/event-stream", response.Content.Headers.ContentType!.ToString());
        var events = new List<string>();
        await foreach (var data in Sse.ReadDataAsync(await response.Content.ReadAsStreamAsync()))
            events.Add(data);
        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e => JsonNode.Parse(e)!["choices"]![0]!["delta"]!["content"]?.GetValue<string>()));
        Assert.Equal(FakeResponderAnswer("stream me"), text);
    }

    [Fact]
    public async Task Configured_pass_through_paths_go_to_the_default_provider()
    {
        using var response = await _gateway.Client().GetAsync("/v1/files/file-abc?purpose=x");

        var body = await Json.ReadObjectAsync(response);
        Assert.Equal("fake.echo", body["object"]!.GetValue<string>());
        Assert.Equal("/v1/files/file-abc", body["path"]!.GetValue<string>());
        Assert.Equal("?purpose=x", body["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task Models_are_listed_from_config_and_filtered_by_the_teams_allowance()
    {
        var all = await Json.ReadObjectAsync(await _gateway.Client().GetAsync("/v1/models"));
        var restricted = await Json.ReadObjectAsync(await _gateway.Client(GatewayHost.OtherTeamKey).GetAsync("/v1/models"));

        Assert.Equal(["gpt-4o-mini", "mini", "text-embedding-3-small"], all["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Equal(["text-embedding-3-small"], restricted["data"]!.AsArray().Select(m => m!["id"]!.GetValue<string>()));
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Request_id_is_generated_forwarded_and_returned_or_kept_from_the_client()
    {
        using var generated = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "first question"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "an unrelated second one") };
        request.Headers.Add("x-request-id", "client-id-42");
        using var kept = await _gateway.Client().SendAsync(request);

        var generatedId = generated.Headers.GetValues("x-request-id").Single();
        Assert.StartsWith("req_", generatedId);
        Assert.Equal("client-id-42", kept.Headers.GetValues("x-request-id").Single());
        Assert.Equal([generatedId, "client-id-42"], _upstream.Requests.Select(r => r.Headers["x-request-id"]));
    }

    [Fact]
    public async Task Client_credentials_never_reach_the_provider_and_the_provider_key_never_reaches_client_or_logs()
    {
        using var bearer = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "secret?"));
        using var azureStyle = new HttpClient { BaseAddress = new Uri(_gateway.Url) };
        azureStyle.DefaultRequestHeaders.Add("api-key", GatewayHost.TeamKey);
        using var viaApiKey = await azureStyle.PostAsync("/v1/chat/completions", Json.Chat("mini", "secret?"));

        Assert.Equal(HttpStatusCode.OK, viaApiKey.StatusCode);
        foreach (var received in _upstream.Requests)
        {
            Assert.Equal("Bearer " + GatewayHost.ProviderKey, received.Headers["Authorization"]);
            Assert.False(received.Headers.ContainsKey("api-key"));
            Assert.DoesNotContain(GatewayHost.TeamKey, string.Join("\n", received.Headers.Values));
        }
        foreach (var response in new[] { bearer, viaApiKey })
        {
            var everything = response.Headers.ToString() + response.Content.Headers + await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(GatewayHost.ProviderKey, everything);
        }
        Assert.DoesNotContain(GatewayHost.ProviderKey, _gateway.Logs.All);
        Assert.DoesNotContain(GatewayHost.TeamKey, _gateway.Logs.All);
        Assert.DoesNotContain("secret?", _gateway.Logs.All);
    }

    private static string FakeResponderAnswer(string question) => $"This is the fake upstream's answer to: {question}";
}
