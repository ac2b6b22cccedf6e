using System.Net;
using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace LlmGateway.Tests.Gateway;

/// <summary>Keys sent in a URL's query stay out of every log line (at Debug, more than the default) and away from the provider.</summary>
public sealed class CredentialQueryTests : IAsyncLifetime
{
    private const string AdminKey = "sk-gw-test-admin-key-77";
    private FakeUpstream _upstream = null!;
    private GatewayHost _gateway = null!;

    public async Task InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        settings["Gateway:PassThroughPaths:0"] = "/v1/files";
        _gateway = await GatewayHost.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    public static TheoryData<string, string, string> Urls => new()
    {
        // method, path and query ({team}/{admin} stand for the keys), the secret that must not leak
        { "POST", "/v1/chat/completions?api_key={team}&purpose=x", GatewayHost.TeamKey },
        { "POST", "/v1/chat/completions?purpose=x&key={team}", GatewayHost.TeamKey },
        { "GET", "/v1/files/file-abc?purpose=x&ACCESS_TOKEN={team}&api%5Fkey={team}", GatewayHost.TeamKey },
        { "GET", "/admin/login?key={admin}", AdminKey },
    };

    [Theory]
    [MemberData(nameof(Urls))]
    public async Task A_key_in_the_query_is_in_no_log_line_and_never_reaches_the_provider(string method, string url, string secret)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url.Replace("{team}", GatewayHost.TeamKey).Replace("{admin}", AdminKey));
        if (method == "POST")
            request.Content = Json.Chat("mini", "hello");
        using var response = await _gateway.Client().SendAsync(request);
        var requestId = response.Headers.GetValues("x-request-id").Single();

        var accessLine = await AccessLineAsync(requestId);
        Assert.DoesNotContain(secret, _gateway.Logs.All);
        Assert.Contains("=" + CredentialQuery.Redacted, accessLine);
        if (url.StartsWith("/admin", StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Empty(_upstream.Requests);
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("purpose=x", accessLine);
        var received = QueryHelpers.ParseQuery(Assert.Single(_upstream.Requests).Query);
        Assert.Equal("x", received["purpose"].ToString());
        Assert.DoesNotContain(received.Keys, CredentialQuery.IsCredential);
        Assert.DoesNotContain(secret, Assert.Single(_upstream.Requests).Query);
    }

    [Fact]
    public async Task Hiding_the_hosting_request_lines_is_a_default_that_configuration_can_override()
    {
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information";
        await using var verbose = await GatewayHost.StartAsync(settings);

        using var response = await verbose.Client().GetAsync("/v1/models?after=m-1");
        using var quiet = await _gateway.Client().GetAsync("/v1/models?after=m-1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, quiet.StatusCode);
        Assert.Contains(verbose.Logs.Lines, l => l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal) && l.Contains("/v1/models?after=m-1", StringComparison.Ordinal));
        Assert.DoesNotContain(_gateway.Logs.Lines, l => l.Contains("Microsoft.AspNetCore.Hosting.Diagnostics", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("?after=file-1&limit=2", "?after=file-1&limit=2")]
    [InlineData("?api_key=sk-1&purpose=x", "?api_key=[redacted]&purpose=x")]
    [InlineData("?purpose=x&API-KEY=sk-1&Key=sk-2", "?purpose=x&API-KEY=[redacted]&Key=[redacted]")]
    [InlineData("?api%5Fkey=sk-1", "?api%5Fkey=[redacted]")]
    [InlineData("?token", "?token=[redacted]")]
    [InlineData("?keys=1&monkey=2", "?keys=1&monkey=2")]
    public void Redact_replaces_the_value_of_every_credential_and_keeps_the_rest(string query, string expected) =>
        Assert.Equal(expected, CredentialQuery.Redact(new QueryString(query)));

    /// <summary>The access log line is written when the request ends, which may be just after the client has the answer.</summary>
    private async Task<string> AccessLineAsync(string requestId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var line = _gateway.Logs.Lines.FirstOrDefault(l => l.Contains("[1002]", StringComparison.Ordinal) && l.Contains("request_id=" + requestId, StringComparison.Ordinal));
            if (line is not null)
                return line;
            Assert.True(DateTime.UtcNow < deadline, "no access log line for " + requestId);
            await Task.Delay(20);
        }
    }
}
