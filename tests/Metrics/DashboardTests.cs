using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;

namespace LlmGateway.Tests.Metrics;

/// <summary>The built-in dashboard over HTTP: its figures (signing in: <c>tests/Admin/AdminSignInTests</c>). Cost and budgets are STAND-INS (see <see cref="DashboardStandIns"/>).</summary>
public sealed class DashboardTests(ITestOutputHelper output) : IAsyncLifetime
{
    public const string AdminKey = "sk-admin-dashboard";
    private FakeUpstream _upstream = null!;

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 });

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    internal static Dictionary<string, string?> Settings(string upstreamUrl)
    {
        var settings = GatewayHost.BasicSettings(upstreamUrl);
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        return settings;
    }

    internal static async Task SendTrafficAsync(GatewayHost gateway)
    {
        for (var i = 0; i < 6; i++)
        {
            using var r = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "q" + i, stream: i % 2 == 1));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        }
        using var failed = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = Json.Chat("mini", "boom") };
        failed.Headers.Add("x-fake-status", "502");
        using (var r = await gateway.Client().SendAsync(failed)) Assert.Equal(HttpStatusCode.BadGateway, r.StatusCode);
    }

    [Fact]
    public async Task The_summary_shows_spend_against_budget_savings_hit_ratio_and_latency_per_model()
    {
        // Latency on a fake clock that only the upstream's 30 ms waits move: the same figures on any machine.
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 30 }, time: new FastForwardClock(clock));
        await using var gateway = await GatewayHost.StartAsync(Settings(upstream.BaseUrl), GatewayHost.WithClock(clock));
        await SendTrafficAsync(gateway);
        DashboardStandIns.Record(gateway);
        output.WriteLine("STAND-IN: cost, savings and budget series are recorded by the test (the budgets capability is not running here).");

        using var response = await gateway.Client(AdminKey).GetAsync("/admin/metrics/summary");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = await Json.ReadObjectAsync(response);

        Assert.Equal(7, summary["requests"]!.GetValue<long>());
        Assert.Equal(97.5, summary["costUsd"]!.GetValue<double>(), 9);
        Assert.Equal(4.25, summary["savedUsd"]!.GetValue<double>(), 9);
        Assert.Equal(1.0 / 7, summary["serverErrorRatio"]!.GetValue<double>(), 9);
        var teams = summary["teams"]!.AsArray();
        var teamA = teams.Single(t => t!["team"]!.GetValue<string>() == "team-a")!;
        Assert.Equal(7, teamA["requests"]!.GetValue<long>());
        Assert.Equal(2, teamA["rejections"]!.GetValue<long>());
        var budget = teamA["budgets"]!.AsArray().Single()!;
        Assert.Equal("month", budget["period"]!.GetValue<string>());
        Assert.Equal(85, budget["spentUsd"]!.GetValue<double>());
        Assert.Equal(100, budget["limitUsd"]!.GetValue<double>());
        Assert.Equal(15, budget["remainingUsd"]!.GetValue<double>());
        Assert.Equal(0.85, budget["usedRatio"]!.GetValue<double>(), 9);
        var model = summary["models"]!.AsArray().Single(m => m!["model"]!.GetValue<string>() == "gpt-4o-mini")!;
        Assert.Equal(7, model["requests"]!.GetValue<long>());
        // Every request took exactly its 30 ms upstream wait on the gateway's clock: p50 in the (25 ms, 50 ms] bucket.
        Assert.InRange(model["p50"]!.GetValue<double>(), 0.025, 0.05);
        Assert.True(model["p95"]!.GetValue<double>() >= model["p50"]!.GetValue<double>());
        Assert.InRange(model["ttftP50"]!.GetValue<double>(), 0.025, 0.05);
        Assert.Equal("main", summary["upstreamErrors"]!.AsArray().Single()!["provider"]!.GetValue<string>());
    }
}
