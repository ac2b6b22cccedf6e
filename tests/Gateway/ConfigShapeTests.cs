using System.Text;
using LlmGateway.Auth;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LlmGateway.Tests.Gateway;

/// <summary>A configuration value of the wrong shape is a startup error naming its key, in every section, never silently ignored.</summary>
public sealed class ConfigShapeTests
{
    private static readonly string Digest = TeamKeys.Sha256Hex("sk-admin-shape");

    [Theory]
    // Scalar where a list is expected.
    [InlineData("Gateway:Admin:KeySha256", "a list (a JSON array), found a single value")]
    [InlineData("Gateway:Teams:team-a:Models", "a list (a JSON array), found a single value")]
    [InlineData("Gateway:Models:gpt-4o-mini:Fallbacks", "a list (a JSON array), found a single value")]
    [InlineData("Gateway:PassThroughPaths", "a list (a JSON array), found a single value")]
    [InlineData("Gateway:Teams:team-a:Budget:SoftPercents", "a list (a JSON array), found a single value")]
    // Scalar where an object is expected.
    [InlineData("Gateway:Limits", "an object, found a single value")]
    [InlineData("Gateway:Admin", "an object, found a single value")]
    [InlineData("Gateway:Teams:team-a:Budget", "an object, found a single value")]
    [InlineData("Gateway:Prices:gpt-4o-mini", "an object, found a single value")]
    [InlineData("Gateway:Providers", "an object of named entries, found a single value")]
    [InlineData("Gateway:Cache", "an object, found a single value")]
    [InlineData("Gateway:Embeddings", "an object, found a single value")]
    [InlineData("Gateway:VectorIndex", "an object, found a single value")]
    [InlineData("Gateway:Metrics", "an object, found a single value")]
    [InlineData("Gateway:Metrics:Otlp", "an object, found a single value")]
    [InlineData("Gateway:Accounting", "an object, found a single value")]
    [InlineData("Gateway:DemoUpstream", "an object, found a single value")]
    public void A_single_value_where_a_list_or_an_object_belongs_is_an_error_naming_the_key(string key, string expected)
    {
        var errors = Build(new() { [key] = Digest });
        Assert.Contains($"{key}: expected {expected}.", errors);
    }

    [Theory]
    // Object (or list) where a single value is expected.
    [InlineData("Gateway:Limits:MaxBodyBytes:bytes", "Gateway:Limits:MaxBodyBytes", "an object")]
    [InlineData("Gateway:Storage:Path:0", "Gateway:Storage:Path", "a list")]
    [InlineData("Gateway:Providers:main:BaseUrl:url", "Gateway:Providers:main:BaseUrl", "an object")]
    [InlineData("Gateway:Teams:team-a:Budget:DailyUsd:0", "Gateway:Teams:team-a:Budget:DailyUsd", "a list")]
    [InlineData("Gateway:Cache:Threshold:value", "Gateway:Cache:Threshold", "an object")]
    [InlineData("Gateway:Embeddings:Provider:name", "Gateway:Embeddings:Provider", "an object")]
    [InlineData("Gateway:VectorIndex:M:0", "Gateway:VectorIndex:M", "a list")]
    [InlineData("Gateway:Metrics:Path:0", "Gateway:Metrics:Path", "a list")]
    [InlineData("Gateway:Accounting:UnpricedModels:policy", "Gateway:Accounting:UnpricedModels", "an object")]
    [InlineData("Gateway:ShutdownTimeout:seconds", "Gateway:ShutdownTimeout", "an object")]
    public void An_object_or_list_where_a_single_value_belongs_is_an_error_naming_the_key(string setting, string key, string found)
    {
        var errors = Build(new() { [setting] = "1" });
        Assert.Contains($"{key}: expected a single value, found {found}.", errors);
    }

    [Fact]
    public void An_object_where_a_list_belongs_is_an_error_naming_the_key()
    {
        var errors = Build(new() { ["Gateway:Models:gpt-4o-mini:Aliases:short"] = "m" });
        Assert.Contains("Gateway:Models:gpt-4o-mini:Aliases: expected a list (a JSON array), found an object.", errors);
    }

    [Fact]
    public void The_valid_basic_settings_have_no_shape_errors() => Assert.Empty(Build([]));

    [Theory]
    [InlineData("config/gateway.json")]
    [InlineData("config/gateway.example.json")]
    public void The_shipped_configs_have_no_shape_errors(string file)
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.Combine(Metrics.ExternalTool.RepositoryRoot(), file)).Build();
        var errors = new List<string>();
        ConfigShapeCheck.Check(configuration, errors);
        // The teams' sub-sections are checked where their owners bind them.
        var teams = new TeamSections(configuration);
        var options = configuration.GetSection(GatewayOptions.Section).Get<GatewayOptions>() ?? new GatewayOptions();
        LlmGateway.Budgets.BudgetsSettings.Bind(teams, errors);
        LlmGateway.Caching.TeamCacheSettings.Bind(teams, errors);
        LlmGateway.Guard.TeamGuardSettings.Bind(teams, options, errors);
        Assert.Empty(errors);
    }

    /// <summary>
    /// The case from the issue, as JSON: a digest string where the list of admin digests belongs. Checked where startup
    /// checks it (errors from here fail startup: <c>ConfigurationTests</c>), without a host: a host that fails to start
    /// keeps its config file watchers until collected, and inotify instances are scarce on shared machines.
    /// </summary>
    [Fact]
    public void The_gateway_refuses_an_admin_key_digest_given_as_a_string()
    {
        var json = $$"""{ "Gateway": { "Admin": { "KeySha256": "{{Digest}}" } } }""";
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(GatewayHost.BasicSettings("http://127.0.0.1:9/v1"))
            .AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(json)))
            .Build();
        var errors = new List<string>();

        Assert.Null(GatewayStateBuilder.TryBuild(configuration, 1, errors));
        Assert.Equal(["Gateway:Admin:KeySha256: expected a list (a JSON array), found a single value."], errors);
    }

    private static List<string> Build(Dictionary<string, string?> overrides)
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:9/v1");
        foreach (var (key, value) in overrides)
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var errors = new List<string>();
        GatewayStateBuilder.TryBuild(configuration, 1, errors);
        return errors;
    }
}
