using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Metrics;

/// <summary>The project's Prometheus files and the gateway's real output, checked by promtool (Debian package prometheus).</summary>
public sealed class PromtoolTests
{
    private static string ConfigDir => Path.Combine(ExternalTool.RepositoryRoot(), "config", "prometheus");

    [Fact]
    public async Task Alert_rules_pass_their_unit_tests()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");

        var result = await ExternalTool.RunAsync(promtool, ["test", "rules", "alerts.test.yml"], workingDirectory: ConfigDir);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("SUCCESS", result.All);
    }

    [Fact]
    public async Task Alert_rules_and_scrape_config_are_valid()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");

        var rules = await ExternalTool.RunAsync(promtool, ["check", "rules", "alerts.yml"], workingDirectory: ConfigDir);
        var config = await ExternalTool.RunAsync(promtool, ["check", "config", "prometheus.yml"], workingDirectory: ConfigDir);

        Assert.True(rules.ExitCode == 0, rules.All);
        Assert.True(config.ExitCode == 0, config.All);
    }

    [Fact]
    public async Task The_gateways_own_scrape_passes_promtool_check_metrics_even_with_awkward_team_names()
    {
        var promtool = ExternalTool.Require("promtool", "prometheus");
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = GatewayHost.BasicSettings(upstream.BaseUrl);
        const string awkwardTeam = "ops \"night\" \\ shift é";
        settings[$"Gateway:Teams:{awkwardTeam}:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex("sk-awkward");
        await using var gateway = await GatewayHost.StartAsync(settings);
        foreach (var key in new[] { GatewayHost.TeamKey, "sk-awkward", "sk-unknown" })
        {
            using var response = await gateway.Client(key).PostAsync("/v1/chat/completions", Json.Chat("mini", "hello", stream: key == "sk-awkward"));
            Assert.Equal(key == "sk-unknown" ? HttpStatusCode.Unauthorized : HttpStatusCode.OK, response.StatusCode);
        }

        var text = await MetricsScrape.TextAsync(gateway);
        var result = await ExternalTool.RunAsync(promtool, ["check", "metrics"], stdin: text);

        Assert.True(result.ExitCode == 0, "promtool check metrics:\n" + result.All + "\n" + text);
        Assert.Equal(1, PrometheusText.Parse(text).Sum("llm_gateway_requests_total", ("team", awkwardTeam)));
    }
}
