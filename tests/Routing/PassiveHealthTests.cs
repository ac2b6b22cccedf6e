using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Yarp.ReverseProxy;
using Yarp.ReverseProxy.Model;

namespace LlmGateway.Tests.Routing;

/// <summary>A provider with two base URLs, one of them dead: passive health takes it out, and tries it again later.</summary>
public sealed class PassiveHealthTests : IAsyncLifetime
{
    private const int MinRequests = 4;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private FakeUpstream _healthy = null!;

    public async Task InitializeAsync() =>
        _healthy = await FakeUpstream.StartAsync(new FakeUpstreamOptions { RecordRequests = true });

    public async Task DisposeAsync() => await _healthy.DisposeAsync();

    /// <summary>
    /// Provider "main" (model "mini", no fallback) on the healthy fake (main-0) and <paramref name="deadUrl"/> (main-1),
    /// round robin. Unless <paramref name="mainIsDefault"/>, another provider is the default one, so the request is
    /// reassigned from the route's cluster to main's.
    /// </summary>
    private Task<GatewayHost> StartGatewayAsync(string deadUrl, string reactivationPeriod, bool mainIsDefault = false)
    {
        var settings = GatewayHost.BasicSettings(_healthy.BaseUrl);
        settings["Gateway:Providers:main:BaseUrls:0"] = deadUrl;
        settings["Gateway:Providers:main:LoadBalancingPolicy"] = "RoundRobin";
        settings["Gateway:Providers:main:FailureMinRequests"] = MinRequests.ToString();
        settings["Gateway:Providers:main:FailureRateLimit"] = "0.5";
        settings["Gateway:Providers:main:ReactivationPeriod"] = reactivationPeriod;
        if (!mainIsDefault)
        {
            settings["Gateway:Providers:other:BaseUrl"] = _healthy.BaseUrl;
            settings["Gateway:DefaultProvider"] = "other";
        }
        return GatewayHost.StartAsync(settings);
    }

    [Theory]
    [InlineData("reset", false)]
    [InlineData("refused", false)]
    [InlineData("reset", true)]
    public async Task A_dead_base_url_is_taken_out_after_enough_failures_and_all_later_requests_succeed(string failure, bool mainIsDefault)
    {
        await using var resetting = new ResettingListener();
        var deadUrl = failure == "reset" ? resetting.BaseUrl : $"http://127.0.0.1:{TcpPorts.Unused()}/v1";
        await using var gateway = await StartGatewayAsync(deadUrl, reactivationPeriod: "00:10:00", mainIsDefault);
        var client = gateway.Client();

        var failures = await SendUntilOnlyHealthyIsAvailableAsync(gateway, client);

        // Round robin sent every other request to the dead URL; it took FailureMinRequests of them to judge it.
        Assert.True(failures >= MinRequests, $"only {failures} requests failed before the dead URL was taken out");
        var connectionsBefore = resetting.Connections;
        var healthyBefore = _healthy.Requests.Count;
        for (var i = 0; i < 20; i++)
            Assert.Equal(HttpStatusCode.OK, await SendAsync(client, $"after {i}"));
        Assert.Equal(healthyBefore + 20, _healthy.Requests.Count);
        Assert.Equal(connectionsBefore, resetting.Connections);
    }

    [Fact]
    public async Task A_base_url_taken_out_is_tried_again_after_the_reactivation_period()
    {
        await using var resetting = new ResettingListener();
        await using var gateway = await StartGatewayAsync(resetting.BaseUrl, reactivationPeriod: "00:00:02");
        var client = gateway.Client();
        await SendUntilOnlyHealthyIsAvailableAsync(gateway, client);
        var connectionsWhenTakenOut = resetting.Connections;
        Assert.True(connectionsWhenTakenOut >= MinRequests, $"the dead URL saw {connectionsWhenTakenOut} connections");

        // Keep traffic going: once the period is over, round robin sends a request to the dead URL again.
        var deadline = DateTime.UtcNow + Deadline;
        var i = 0;
        while (resetting.Connections == connectionsWhenTakenOut)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the dead URL was not tried again within {Deadline.TotalSeconds} s");
            await SendAsync(client, $"later {i++}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Passive_health_settings_are_validated_at_startup_naming_their_keys()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Providers:main:FailureRateLimit"] = "1.5";
        settings["Gateway:Providers:main:FailureWindow"] = "00:00:00";
        settings["Gateway:Providers:main:FailureMinRequests"] = "0";
        settings["Gateway:Providers:main:ReactivationPeriod"] = "-00:00:01";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:main:FailureRateLimit:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:main:FailureWindow:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:main:FailureMinRequests:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:main:ReactivationPeriod:"));
    }

    /// <summary>Sends requests until main's cluster has only the healthy URL available; returns how many failed.</summary>
    private async Task<int> SendUntilOnlyHealthyIsAvailableAsync(GatewayHost gateway, HttpClient client)
    {
        var deadline = DateTime.UtcNow + Deadline;
        var failures = 0;
        for (var i = 0; Available(gateway) is not [var only] || only.Model.Config.Address != _healthy.BaseUrl; i++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the dead URL was not taken out within {Deadline.TotalSeconds} s ({i} requests, {failures} failed)");
            var status = await SendAsync(client, $"before {i}");
            if (status != HttpStatusCode.OK)
            {
                Assert.Equal(HttpStatusCode.BadGateway, status);
                failures++;
            }
        }
        return failures;
    }

    private static IReadOnlyList<DestinationState> Available(GatewayHost gateway)
    {
        Assert.True(gateway.App.Services.GetRequiredService<IProxyStateLookup>().TryGetCluster("provider:main", out var cluster));
        return cluster.DestinationsState.AvailableDestinations;
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, string question)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", question) };
        request.Headers.CacheControl = new CacheControlHeaderValue { NoStore = true };
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A server that accepts every connection and resets it at once; counts the connections.</summary>
    private sealed class ResettingListener : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _accepting;
        private int _connections;

        public ResettingListener()
        {
            _listener.Start();
            BaseUrl = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/v1";
            _accepting = AcceptAsync();
        }

        public string BaseUrl { get; }

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _connections);
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _accepting;
            _listener.Stop();
            _stop.Dispose();
        }
    }
}
