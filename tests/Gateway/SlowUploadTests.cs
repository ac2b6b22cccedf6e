using System.Net;
using System.Net.Sockets;
using System.Text;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Gateway;

/// <summary>
/// Slow uploads that declare a large <c>Content-Length</c> hold memory for the bytes they sent, not for what they
/// declared, and all bodies together stay within <c>Gateway:Limits:MaxBufferedBodyBytes</c>.
/// Runs alone, beside no other test: it holds 100 connections open at once.
/// </summary>
[Collection(Embeddings.NonParallelCollection.Name)]
public sealed class SlowUploadTests : IAsyncLifetime
{
    private const int SlowClients = 100;
    private const int SentBySlowClient = 1000;

    private FakeUpstream _upstream = null!;
    private readonly List<TcpClient> _connections = [];
    private GatewayHost? _gateway;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });

    public async Task DisposeAsync()
    {
        // Connections first: the gateway's shutdown would wait for their requests.
        foreach (var connection in _connections)
            connection.Dispose();
        if (_gateway is not null)
            await _gateway.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    [Fact]
    public async Task Slow_uploads_hold_only_what_they_sent_and_normal_requests_keep_working()
    {
        var gateway = _gateway = await GatewayHost.StartAsync(GatewayHost.BasicSettings(_upstream.BaseUrl));
        var gate = gateway.App.Services.GetRequiredService<RequestBodyGate>();
        const long declared = 16_777_000;

        for (var i = 0; i < SlowClients; i++)
            await StartUploadAsync(gateway, declared, SentBySlowClient);
        await WaitUntilAsync(() => gate.HeldBytes == SlowClients * SentBySlowClient, () => $"held {gate.HeldBytes}");
        // The gate holds exactly what arrived: had the reader taken the declared lengths (100 x 16 MB), the gate's 256 MiB
        // bound would have refused them. (The process-wide allocation count is no measure here: background work of other
        // tests swamped it; the memory figures come from `bench -- slow-uploads`.)
        using var normal = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", new string('x', 1_000_000)));
        Assert.Equal(HttpStatusCode.OK, normal.StatusCode);
    }

    [Fact]
    public async Task Bodies_beyond_the_gateway_wide_bound_get_503_with_retry_after_and_everything_is_given_back()
    {
        var settings = GatewayHost.BasicSettings(_upstream.BaseUrl);
        settings["Gateway:Limits:MaxBodyBytes"] = "400000";
        settings["Gateway:Limits:MaxBufferedBodyBytes"] = "1000000";
        var gateway = _gateway = await GatewayHost.StartAsync(settings);
        var gate = gateway.App.Services.GetRequiredService<RequestBodyGate>();

        // Two uploads each hold 399,999 bytes and wait for their last byte; a third cannot fit beside them.
        var first = await StartUploadAsync(gateway, 400_000, 399_999);
        var second = await StartUploadAsync(gateway, 400_000, 399_999);
        await WaitUntilAsync(() => gate.HeldBytes == 2 * 399_999, () => $"held {gate.HeldBytes}");
        var third = await StartUploadAsync(gateway, 400_000, 399_999);

        var (status, head) = await ReadResponseHeadAsync(third);
        Assert.Equal(503, status);
        Assert.Contains("Retry-After: 1", head, StringComparison.OrdinalIgnoreCase);
        using var small = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "a small one still fits"));
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);

        await first.GetStream().WriteAsync("x"u8.ToArray());
        Assert.Equal(400, (await ReadResponseHeadAsync(first)).Status); // 400,000 x's are not JSON, and that is all it had to say
        second.Dispose();
        await WaitUntilAsync(() => gate.HeldBytes == 0, () => $"held {gate.HeldBytes}");
        Assert.Single(_upstream.Requests);
    }

    /// <summary>Opens a connection and sends headers declaring <paramref name="declared"/> bytes, then <paramref name="send"/> of them.</summary>
    private async Task<TcpClient> StartUploadAsync(GatewayHost gateway, long declared, int send)
    {
        var uri = new Uri(gateway.Url);
        var tcp = new TcpClient();
        _connections.Add(tcp);
        await tcp.ConnectAsync(uri.Host, uri.Port);
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {GatewayHost.TeamKey}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n";
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        await tcp.GetStream().WriteAsync(Encoding.ASCII.GetBytes(new string('x', send)));
        return tcp;
    }

    private static async Task<(int Status, string Head)> ReadResponseHeadAsync(TcpClient tcp)
    {
        var stream = tcp.GetStream();
        var head = new StringBuilder();
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!head.ToString().Contains("\r\n\r\n"))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0) break;
            head.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
        var text = head.ToString();
        return (int.Parse(text.Split(' ')[1]), text);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out: " + describe());
            await Task.Delay(20);
        }
    }
}
