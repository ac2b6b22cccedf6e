using System.Net;
using LlmGateway.Demo;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Gateway;

public sealed class ConfigurationTests
{
    [Fact]
    public async Task Invalid_config_fails_startup_listing_every_error_with_its_key()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Gateway:Providers:p:Kind"] = "bedrock",
            ["Gateway:Providers:p:BaseUrl"] = "not a url",
            ["Gateway:Providers:q:BaseUrl"] = "http://localhost:1/v1",
            ["Gateway:Providers:q:ApiKeyEnv"] = "SURELY_NOT_SET_ENV_VAR_42",
            ["Gateway:Models:m:Provider"] = "nope",
            ["Gateway:Models:n:Provider"] = "q",
            ["Gateway:Models:n:Fallbacks:0"] = "ghost",
            ["Gateway:Teams:t:KeySha256:0"] = "abc",
            ["Gateway:Teams:t:Models:0"] = "unknown-model",
        };

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:p:Kind:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:p:BaseUrl:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:q:ApiKeyEnv:") && e.Contains("SURELY_NOT_SET_ENV_VAR_42"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Models:m:Provider:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Models:n:Fallbacks:0:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:t:KeySha256:0:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:t:Models:0:"));
    }

    [Fact]
    public async Task Errors_of_every_section_are_listed_together()
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Providers:main:Kind"] = "bedrock";
        settings["Gateway:Cache:Threshold"] = "1.5";
        settings["Gateway:Embeddings:MaxTokens"] = "0";
        settings["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "cheap";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Providers:main:Kind"));
        Assert.Contains(ex.Errors, e => e.Contains("Gateway:Cache:Threshold"));
        Assert.Contains(ex.Errors, e => e.Contains("Gateway:Embeddings:MaxTokens"));
        Assert.Contains(ex.Errors, e => e.Contains("Gateway:Prices:gpt-4o-mini:InputPer1M"));
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_its_key()
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Providers:main:Timeout"] = "soon";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.Contains("Gateway:Providers:main:Timeout"));
    }

    [Fact]
    public async Task A_bad_reload_keeps_the_last_good_config_and_a_good_one_applies()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var reloadable = new ReloadableSource(GatewayHost.BasicSettings(upstream.BaseUrl));
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), b => ((IConfigurationBuilder)b.Configuration).Add(reloadable));
        var store = gateway.App.Services.GetRequiredService<GatewayConfigStore>();

        reloadable.Set(("Gateway:Models:gpt-4o-mini:Provider", "missing-provider"));
        using var afterBad = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        Assert.Equal(HttpStatusCode.OK, afterBad.StatusCode);
        Assert.Equal(1, store.Current.Generation);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("reload rejected") && l.Contains("Gateway:Models:gpt-4o-mini:Provider"));

        reloadable.Set(("Gateway:Models:gpt-4o-mini:Provider", "main"), ("Gateway:Models:new-model:Provider", "main"));
        using var afterGood = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("new-model", "hi"));
        Assert.Equal(HttpStatusCode.OK, afterGood.StatusCode);
        Assert.Equal(2, store.Current.Generation);
    }

    [Fact]
    public async Task A_reload_that_changes_a_startup_only_key_applies_the_rest_and_warns_naming_the_key_not_its_value()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var reloadable = new ReloadableSource(GatewayHost.BasicSettings(upstream.BaseUrl));
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), b => ((IConfigurationBuilder)b.Configuration).Add(reloadable));
        var store = gateway.App.Services.GetRequiredService<GatewayConfigStore>();

        // Only keys that reload: applied, no warning.
        reloadable.Set(("Gateway:Models:new-model:Provider", "main"));
        Assert.Equal(2, store.Current.Generation);
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("[11200]"));

        reloadable.Set(("Gateway:Cache:Ttl", "00:05:00"), ("Gateway:Storage:ConnectionString", "Host=db;Password=hunter2"),
            ("Gateway:Models:other-model:Provider", "main"));
        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("other-model", "hi"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, store.Current.Generation);
        var warning = Assert.Single(gateway.Logs.Lines, l => l.Contains("[11200]"));
        Assert.StartsWith("Warning", warning);
        Assert.Contains("Gateway:Cache:Ttl, Gateway:Storage:ConnectionString", warning);
        Assert.DoesNotContain("hunter2", gateway.Logs.All);
    }

    [Fact]
    public async Task A_teams_own_settings_reload_without_a_restart_and_an_invalid_one_keeps_the_last_good_config()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var reloadable = new ReloadableSource(GatewayHost.BasicSettings(upstream.BaseUrl));
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>(), b => ((IConfigurationBuilder)b.Configuration).Add(reloadable));
        var store = gateway.App.Services.GetRequiredService<GatewayConfigStore>();

        reloadable.Set(("Gateway:Teams:team-a:Cache:Enabled", "false"));
        using var bypassed = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        Assert.Equal("BYPASS", bypassed.Headers.GetValues("x-cache").Single());
        Assert.Equal("team_disabled", bypassed.Headers.GetValues("x-cache-reason").Single());

        reloadable.Set(("Gateway:Teams:team-a:Cache:Threshold", "1.5"));
        Assert.Equal(2, store.Current.Generation);
        Assert.Contains(gateway.Logs.Lines, l => l.Contains("reload rejected") && l.Contains("Gateway:Teams:team-a:Cache:Threshold: must be between 0 and 1."));
        Assert.DoesNotContain(gateway.Logs.Lines, l => l.Contains("[11200]"));
    }

    private sealed class ReloadableSource(Dictionary<string, string?> initial) : IConfigurationSource
    {
        private readonly Provider _provider = new(initial);

        public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

        public void Set(params (string Key, string Value)[] values) => _provider.SetAndReload(values);

        private sealed class Provider(Dictionary<string, string?> initial) : ConfigurationProvider
        {
            public override void Load()
            {
                foreach (var (k, v) in initial) Data[k] = v;
            }

            public void SetAndReload((string Key, string Value)[] values)
            {
                foreach (var (key, value) in values) Data[key] = value;
                OnReload();
            }
        }
    }
}
