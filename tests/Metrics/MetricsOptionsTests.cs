using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Metrics;

public sealed class MetricsOptionsTests
{
    [Fact]
    public async Task Bad_metrics_options_fail_startup_listing_every_key()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Metrics:Path"] = "metrics";
        settings["Gateway:Metrics:Port"] = "70000";
        settings["Gateway:Metrics:CardinalityLimit"] = "1";
        settings["Gateway:Metrics:Otlp:Enabled"] = "true";
        settings["Gateway:Metrics:Otlp:Protocol"] = "carrier-pigeon";

        var error = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:Path:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:Port:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:CardinalityLimit:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:Otlp:Endpoint:", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:Otlp:Protocol:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_value_that_does_not_convert_names_its_key()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Metrics:Port"] = "ninety";

        var error = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains("Gateway:Metrics:Port", error.Message);
    }

    [Fact]
    public async Task The_metrics_path_may_not_shadow_the_api()
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:1/v1");
        settings["Gateway:Metrics:Path"] = "/v1/metrics";

        var error = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(error.Errors, e => e.StartsWith("Gateway:Metrics:Path:", StringComparison.Ordinal) && e.Contains("reserved"));
    }
}
