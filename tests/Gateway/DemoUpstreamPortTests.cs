using System.Net;
using System.Net.Sockets;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Gateway;

/// <summary>The built-in fake provider's port (5081 in the demo config) being taken costs one log line, not a failed start.</summary>
public sealed class DemoUpstreamPortTests
{
    [Fact]
    public async Task A_busy_demo_port_moves_the_demo_provider_to_a_free_one_and_the_providers_follow_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var busy = $"http://127.0.0.1:{((IPEndPoint)squatter.LocalEndpoint).Port}";
        var settings = GatewayHost.BasicSettings(busy + "/v1");
        settings["Gateway:DemoUpstream:Enabled"] = "true";
        settings["Gateway:DemoUpstream:Url"] = busy;
        settings["Gateway:DemoUpstream:LatencyMs"] = "0";

        await using var gateway = await GatewayHost.StartAsync(settings);
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "Hello?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // answered by the moved demo provider
        var moved = Assert.Single(gateway.Logs.All.Split('\n'), line => line.Contains("is in use, so it listens on"));
        Assert.Contains(busy, moved);
        Assert.DoesNotContain("   at ", gateway.Logs.All); // no stack trace
    }
}
