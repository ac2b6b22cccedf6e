using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Gateway;

public sealed class ErrorShapeTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:Limits:MaxBodyBytes"] = "2048";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task A_model_outside_the_teams_list_is_403()
    {
        using var response = await _gateway.Client(GatewayHost.OtherTeamKey).PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        await Json.AssertOpenAiErrorAsync(response, 403, code: "model_not_allowed", param: "model");
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Unknown_model_is_404()
    {
        using var response = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("gpt-9", "hi"));
        await Json.AssertOpenAiErrorAsync(response, 404, code: "model_not_found", param: "model");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_body_over_the_limit_is_413_with_or_without_content_length(bool chunked)
    {
        var question = new string('x', 4096);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", question) };
        if (chunked)
            request.Headers.TransferEncodingChunked = true;
        using var response = await _gateway.Client().SendAsync(request);
        await Json.AssertOpenAiErrorAsync(response, 413, code: "request_too_large");
        Assert.Empty(_upstream.Requests);
    }

    [Theory]
    [InlineData("{\"model\":", null)]
    [InlineData("[1,2]", null)]
    [InlineData("", null)]
    [InlineData("{\"messages\":[]}", "model")]
    [InlineData("{\"model\":42,\"messages\":[]}", "model")]
    [InlineData("{\"model\":\"mini\"}", "messages")]
    [InlineData("{\"model\":\"mini\",\"messages\":\"hi\"}", "messages")]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"stream\":\"yes\"}", "stream")]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"temperature\":\"hot\"}", "temperature")]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"max_tokens\":1.5}", "max_tokens")]
    public async Task Malformed_or_mistyped_bodies_are_400(string body, string? param)
    {
        using var response = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Body(body));
        await Json.AssertOpenAiErrorAsync(response, 400, param: param);
        Assert.Empty(_upstream.Requests);
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_key()
    {
        using var client = _gateway.Client(key: null);
        Assert.Equal("Healthy", await client.GetStringAsync("/healthz"));
        Assert.Equal("Healthy", await client.GetStringAsync("/readyz"));
    }
}

public sealed class BadInputTests : IAsyncLifetime
{
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:Admin:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex("sk-admin");
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Invalid_utf8_is_a_400_not_a_500()
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes("{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":\"XX\"}]}");
        var at = Array.IndexOf(bytes, (byte)'X');
        bytes[at] = 0xff;
        bytes[at + 1] = 0xfe;
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var response = await _gateway.Client().PostAsync("/v1/chat/completions", content);
        await Json.AssertOpenAiErrorAsync(response, 400);
        Assert.Empty(_upstream.Requests);
    }

    [Theory]
    [InlineData("{\"model\":\"mini\",\"model\":\"gpt-9\",\"messages\":[]}", null)]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"n\":100000000000}", "n")]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"max_tokens\":3000000000}", "max_tokens")]
    [InlineData("{\"model\":\"mini\",\"messages\":[],\"max_tokens\":-5}", "max_tokens")]
    [InlineData("{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":5}]}", "messages[0].content")]
    [InlineData("{\"model\":\"mini\",\"messages\":[\"hi\"]}", "messages[0]")]
    public async Task Duplicate_keys_out_of_range_counts_and_mistyped_messages_are_400(string body, string? param)
    {
        using var response = await _gateway.Client().PostAsync("/v1/chat/completions", Json.Body(body));
        await Json.AssertOpenAiErrorAsync(response, 400, param: param);
        Assert.Empty(_upstream.Requests);
    }

    /// <summary>JSON that parses but holds values .NET cannot represent: a 400 at the door, never a 500 in the cache key or the usage estimate.</summary>
    [Theory]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":\"\\ud800\"}]}", true)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"a\\udfffb\"}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mi\\ud800ni\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"x\\ud800\":1,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"\\udc00\\ud800\"}]}]}", true)]
    [InlineData("/v1/completions", "{\"model\":\"mini\",\"prompt\":\"\\ud800\"}", false)]
    [InlineData("/v1/embeddings", "{\"model\":\"text-embedding-3-small\",\"input\":[\"ok\",\"\\ud800\"]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"temperature\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"seed\":-1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", true)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"weight\":1e999}]}", false)]
    [InlineData("/v1/chat/completions", "{\"model\":\"mini\",\"max_tokens\":1e400,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", false)]
    public async Task Unrepresentable_strings_and_numbers_are_400(string path, string body, bool noStore)
    {
        for (var attempt = 0; attempt < 2; attempt++) // the second one would find a cached entry, if one had been made
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json.Body(body) };
            if (noStore)
                request.Headers.CacheControl = new System.Net.Http.Headers.CacheControlHeaderValue { NoStore = true };
            using var response = await _gateway.Client().SendAsync(request);
            await Json.AssertOpenAiErrorAsync(response, 400);
        }
        Assert.Empty(_upstream.Requests);
        Assert.DoesNotContain("Unhandled error", _gateway.Logs.All);
    }

    [Theory]
    [InlineData("GET", "/foo", 404)]
    [InlineData("POST", "/admin/cache/purge?all=yes", 400)]
    [InlineData("DELETE", "/admin/status", 404)]
    public async Task Framework_errors_are_openai_shaped_too(string method, string path, int status)
    {
        using var response = await _gateway.Client("sk-admin").SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await Json.AssertOpenAiErrorAsync(response, status);
    }
}
