using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Gateway;

/// <summary>
/// The invariant of the forward path: every request that reaches a provider was authenticated, passed the team's
/// model allow-list and its budget, and ends in exactly one ledger record. Each variant of path, method and
/// content type is either refused (nothing reaches the provider, nothing is recorded) or metered like the canonical request.
/// </summary>
public sealed class ForwardingInvariantTests : IAsyncLifetime
{
    private const string Chat = "{\"model\":\"mini\",\"messages\":[{\"role\":\"user\",\"content\":\"hello\"}]}";

    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage());
        settings["Gateway:PassThroughPaths:0"] = "/v1/files";
        // team-b may use embeddings only; team-c has a budget nothing fits in.
        settings["Gateway:Teams:team-c:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(BrokeTeamKey);
        settings["Gateway:Teams:team-c:Budget:DailyUsd"] = "0.0000001";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    private const string BrokeTeamKey = "sk-gw-test-team-c";

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    /// <summary>Variants that name the chat endpoint as providers route it: metered under the canonical path.</summary>
    public static TheoryData<string, string, string?> MeteredVariants => new()
    {
        { "POST", "/v1/chat/completions", "application/json" },
        { "POST", "/V1/chat/completions", "text/plain" },
        { "POST", "/v1/chat/completions", null },
        { "POST", "/v1/chat/completions/", "application/json" },
        { "POST", "/v1/Chat/Completions", "application/x-www-form-urlencoded" },
        { "POST", "/V1/CHAT/COMPLETIONS/", "text/plain" },
        { "POST", "/v1/chat/completions?x=1", "multipart/form-data" },
    };

    /// <summary>Variants that must be refused outright, with the status the client gets.</summary>
    public static TheoryData<string, string, string?, int> RefusedVariants => new()
    {
        { "GET", "/v1/chat/completions", "application/json", 405 },
        { "PUT", "/v1/chat/completions", "application/json", 405 },
        { "PATCH", "/V1/Chat/Completions/", "text/plain", 405 },
        { "DELETE", "/v1/chat/completions", null, 405 },
        { "OPTIONS", "/v1/chat/completions", "application/json", 405 },
        { "POST", "/v1/chat%2Fcompletions", "application/json", 404 },
        { "POST", "/v1/chat%2fcompletions", "text/plain", 404 },
        { "POST", "/v1//chat/completions", "application/json", 404 },
        { "POST", "/v1/chat//completions", "application/json", 404 },
        { "POST", "/v1/chat/completions//", "application/json", 404 },
        { "POST", "/v1/chat/completions%2F", "application/json", 404 },
        { "POST", "/v1/chat/completions/extra", "text/plain", 404 },
        { "POST", "/v1/chat/completionsx", "text/plain", 404 },
        { "POST", "/v1/unknown", "text/plain", 404 },
        { "POST", "/V1/Files", "text/plain", 404 },
        { "PUT", "/v1/files/file-abc", "text/plain", 405 },
    };

    [Theory]
    [MemberData(nameof(MeteredVariants))]
    public async Task A_variant_of_a_metered_path_is_metered_under_the_canonical_path(string method, string path, string? contentType)
    {
        using var response = await SendAsync(GatewayHost.TeamKey, method, path, contentType, Chat);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(_upstream.Requests);
        Assert.Equal("/v1/chat/completions", received.Path);
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1));
        Assert.Equal("gpt-4o-mini", record.Model);
        Assert.True(record.CostUsd > 0);
    }

    [Theory]
    [MemberData(nameof(MeteredVariants))]
    public async Task A_variant_of_a_metered_path_passes_the_model_allow_list(string method, string path, string? contentType)
    {
        using var response = await SendAsync(GatewayHost.OtherTeamKey, method, path, contentType, Chat);

        await Json.AssertOpenAiErrorAsync(response, 403, code: "model_not_allowed");
        Assert.Empty(_upstream.Requests);
        Assert.Empty(BudgetSettings.Records(_gateway));
    }

    [Theory]
    [MemberData(nameof(MeteredVariants))]
    public async Task A_variant_of_a_metered_path_passes_the_budget_and_an_unknown_model_is_refused(string method, string path, string? contentType)
    {
        using var broke = await SendAsync(BrokeTeamKey, method, path, contentType, Chat);
        using var unknown = await SendAsync(GatewayHost.TeamKey, method, path, contentType, Chat.Replace("\"mini\"", "\"not-configured\""));

        await Json.AssertOpenAiErrorAsync(broke, 429);
        await Json.AssertOpenAiErrorAsync(unknown, 404, code: "model_not_found");
        Assert.Empty(_upstream.Requests);
        Assert.Empty(BudgetSettings.Records(_gateway));
    }

    [Theory]
    [MemberData(nameof(RefusedVariants))]
    public async Task Other_variants_are_refused_and_reach_no_provider(string method, string path, string? contentType, int status)
    {
        using var response = await SendAsync(GatewayHost.TeamKey, method, path, contentType, Chat);

        await Json.AssertOpenAiErrorAsync(response, status);
        if (status == 405)
            Assert.NotEmpty(response.Content.Headers.Allow);
        Assert.Empty(_upstream.Requests);
        Assert.Empty(BudgetSettings.Records(_gateway));
    }

    [Theory]
    [InlineData("CONNECT")]
    [InlineData("TRACE")]
    [InlineData("PROPFIND")]
    public async Task An_unexpected_method_with_a_body_is_refused_without_a_500(string method)
    {
        // Sent raw: HttpClient will not put some of these methods on the wire as they are.
        var status = await RawStatusAsync($"{method} /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {GatewayHost.TeamKey}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(Chat)}\r\nConnection: close\r\n\r\n{Chat}");

        Assert.InRange(status, 400, 499);
        Assert.Empty(_upstream.Requests);
        Assert.Empty(BudgetSettings.Records(_gateway));
    }

    [Fact]
    public async Task A_configured_pass_through_path_is_forwarded_and_recorded_at_no_cost()
    {
        using var response = await _gateway.Client().GetAsync("/v1/files/file-abc");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("/v1/files/file-abc", Assert.Single(_upstream.Requests).Path);
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(_gateway, 1));
        Assert.Equal(UsageRecord.PassThroughModel, record.Model);
        Assert.Equal(0m, record.CostUsd);
    }

    [Fact]
    public async Task A_pass_through_json_body_that_names_a_model_is_allow_listed()
    {
        using var response = await SendAsync(GatewayHost.OtherTeamKey, "POST", "/v1/files", "application/json", Chat);

        await Json.AssertOpenAiErrorAsync(response, 403, code: "model_not_allowed");
        Assert.Empty(_upstream.Requests);
    }

    private async Task<HttpResponseMessage> SendAsync(string key, string method, string path, string? contentType, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) };
        if (contentType is not null)
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return await _gateway.Client(key).SendAsync(request);
    }

    private async Task<int> RawStatusAsync(string request)
    {
        var uri = new Uri(_gateway.Url);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        var parts = statusLine.Split(' ');
        Assert.True(parts.Length >= 2 && int.TryParse(parts[1], out _), $"not an HTTP status line: '{statusLine}'");
        return int.Parse(parts[1]);
    }
}
