using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LlmGateway.Tests.Metrics;

public sealed class ConfigReloadMetricsTests
{
    [Fact]
    public async Task Reloads_are_counted_by_result_and_the_last_one_is_a_gauge()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var reloadable = new ReloadableSource(GatewayHost.BasicSettings(upstream.BaseUrl));
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), b => ((IConfigurationBuilder)b.Configuration).Add(reloadable));

        var initial = await MetricsScrape.ParsedAsync(gateway);
        Assert.Equal(1, initial.Sum("llm_gateway_config_last_reload_success"));
        Assert.Equal(0, initial.Sum("llm_gateway_config_reloads_total"));

        reloadable.Set("Gateway:Models:gpt-4o-mini:Provider", "missing-provider");
        var afterBad = await MetricsScrape.ParsedAsync(gateway);
        Assert.Equal(1, afterBad.Sum("llm_gateway_config_reloads_total", ("result", "failure")));
        Assert.Equal(0, afterBad.Sum("llm_gateway_config_last_reload_success"));

        reloadable.Set("Gateway:Models:gpt-4o-mini:Provider", "main");
        var afterGood = await MetricsScrape.ParsedAsync(gateway);
        Assert.Equal(1, afterGood.Sum("llm_gateway_config_reloads_total", ("result", "failure")));
        Assert.Equal(1, afterGood.Sum("llm_gateway_config_reloads_total", ("result", "success")));
        Assert.Equal(1, afterGood.Sum("llm_gateway_config_last_reload_success"));
    }

    private sealed class ReloadableSource(Dictionary<string, string?> initial) : IConfigurationSource
    {
        private readonly ReloadableProvider _provider = new(initial);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

        public void Set(string key, string value) => _provider.SetAndReload(key, value);

        private sealed class ReloadableProvider(Dictionary<string, string?> initial) : ConfigurationProvider
        {
            public override void Load()
            {
                foreach (var (k, v) in initial) Data[k] = v;
            }

            public void SetAndReload(string key, string value)
            {
                Data[key] = value;
                OnReload();
            }
        }
    }
}
