using LlmGateway.Budgets;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Budgets;

/// <summary>With <c>Gateway:Storage:Replicas</c> = N each replica enforces its share of a team's rate limit.</summary>
public sealed class RateLimitShareTests
{
    private static TeamRateLimiter Limiter(int replicas, FakeTimeProvider clock)
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
        settings["Gateway:Storage:Replicas"] = replicas.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var config = new GatewayConfigStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLogger<GatewayConfigStore>.Instance);
        return new TeamRateLimiter(clock, config);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 5)]
    [InlineData(3, 4)] // ⌈10 / 3⌉: the replicas together may admit up to 12 of 10 in a burst
    public void Each_replica_admits_its_share_of_the_requests_per_minute(int replicas, int admitted)
    {
        var clock = new FakeTimeProvider();
        var limiter = Limiter(replicas, clock);
        var limits = new RateLimitOptions { Rpm = 10 };
        var decisions = Enumerable.Range(0, 12).Select(_ => limiter.Admit("t", limits, 0)!).ToList();
        Assert.Equal(admitted, decisions.Count(d => d.Rejected is null));
        Assert.Equal(admitted, decisions[0].LimitRequests); // the headers say what this replica enforces
    }

    [Fact]
    public void A_replica_share_of_tokens_is_refilled_at_its_share_of_the_rate()
    {
        var clock = new FakeTimeProvider();
        var limiter = Limiter(2, clock);
        var limits = new RateLimitOptions { Tpm = 1000 };
        Assert.Null(limiter.Admit("t", limits, 500)!.Rejected);
        Assert.NotNull(limiter.Admit("t", limits, 1)!.Rejected);
        clock.Advance(TimeSpan.FromSeconds(6)); // 500 per minute: 50 back after 6 s
        Assert.Null(limiter.Admit("t", limits, 50)!.Rejected);
    }

    [Fact]
    public void Replicas_outside_one_to_a_thousand_are_a_config_error()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1");
        settings["Gateway:Storage:Replicas"] = "0";
        var error = Assert.Throws<GatewayConfigException>(() => new GatewayConfigStore(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), NullLogger<GatewayConfigStore>.Instance));
        Assert.Contains("Gateway:Storage:Replicas: must be 1-1000.", error.Errors);
    }
}
