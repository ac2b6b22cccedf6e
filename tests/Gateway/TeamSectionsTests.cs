using System.Text.RegularExpressions;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace LlmGateway.Tests.Gateway;

/// <summary>
/// Each capability binds and validates its own sub-section of a team (<c>Gateway:Teams:{team}:Budget|RateLimit|Cache|Guard</c>)
/// under the keys users already have; a bad value there is one error line naming its key.
/// </summary>
public sealed class TeamSectionsTests
{
    [Theory]
    [InlineData("Gateway:Teams:team-a:Cache:Threshold", "1.5", "Gateway:Teams:team-a:Cache:Threshold: must be between 0 and 1.")]
    [InlineData("Gateway:Teams:team-a:Cache:Ttl", "-00:01:00", "Gateway:Teams:team-a:Cache:Ttl: must be positive.")]
    [InlineData("Gateway:Teams:team-a:Cache:MaxEntries", "0", "Gateway:Teams:team-a:Cache:MaxEntries: must be positive.")]
    [InlineData("Gateway:Teams:team-a:RateLimit:Tpm", "0", "Gateway:Teams:team-a:RateLimit:Tpm: must be positive.")]
    [InlineData("Gateway:Teams:team-a:Budget:DailyUsd", "-1", "Gateway:Teams:team-a:Budget:DailyUsd: must not be negative.")]
    [InlineData("Gateway:Teams:team-a:Guard:Default", "shout", "Gateway:Teams:team-a:Guard:Default: 'shout' is not an action (off, log, redact, block).")]
    public void An_invalid_team_setting_is_one_error_line_naming_its_key(string key, string value, string expected)
    {
        var (state, errors) = Build((key, value));

        Assert.Null(state);
        Assert.Equal([expected], errors);
    }

    [Theory]
    [InlineData("Gateway:Teams:team-a:Cache:Ttl", "soon")]
    [InlineData("Gateway:Teams:team-a:RateLimit:Rpm", "many")]
    [InlineData("Gateway:Teams:team-a:Budget:DailyUsd", "cheap")]
    [InlineData("Gateway:Teams:team-a:Guard:Restore", "maybe")]
    public void A_team_value_of_the_wrong_type_is_one_error_line_naming_its_key(string key, string value)
    {
        var (state, errors) = Build((key, value));

        Assert.Null(state);
        var error = Assert.Single(errors);
        Assert.Contains(key, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void A_team_section_of_the_wrong_shape_is_one_error_naming_its_key()
    {
        var (_, errors) = Build(("Gateway:Teams:team-a:Guard:Keywords", "Falcon"));

        Assert.Equal(["Gateway:Teams:team-a:Guard:Keywords: expected a list (a JSON array), found a single value."], errors);
    }

    [Fact]
    public void Each_capability_reaches_its_team_settings_under_the_keys_users_already_have()
    {
        var (state, errors) = Build(
            ("Gateway:Teams:team-a:Budget:DailyUsd", "5"),
            ("Gateway:Teams:team-a:Budget:Keys:aaaaaaaaaaaa:DailyUsd", "1"),
            ("Gateway:Teams:team-a:RateLimit:Rpm", "10"),
            ("Gateway:Teams:team-a:Cache:Threshold", "0.9"),
            ("Gateway:Teams:team-a:Cache:Scope", "shared"),
            ("Gateway:Teams:team-a:Cache:AllowQueryHeader", "false"),
            ("Gateway:Teams:team-a:Guard:Default", "redact"),
            ("Gateway:Teams:team-a:Guard:Models:gpt-4o-mini:Default", "block"));

        Assert.Empty(errors);
        Assert.NotNull(state);
        Assert.Equal(5m, state.Budgets.Budgets["team-a"].DailyUsd);
        Assert.Equal(1m, state.Budgets.Budgets["team-a"].Keys["aaaaaaaaaaaa"].DailyUsd);
        Assert.Equal(10, state.Budgets.RateLimitFor("TEAM-A")?.Rpm);
        Assert.Equal(0.9, state.Cache.For("team-a")?.Threshold);
        Assert.Equal("shared", state.Cache.For("team-a")?.Scope);
        Assert.False(state.Cache.For("team-a")?.AllowQueryHeader);
        Assert.Equal("redact", state.Guard.For("team-a")?.Default);
        Assert.Equal("block", state.Guard.For("team-a")?.Models["gpt-4o-mini"].Default);
        // A team without the sections has none: no budget, no limits, the global cache settings, no guard.
        Assert.False(state.Budgets.Budgets.ContainsKey("team-b"));
        Assert.Null(state.Budgets.RateLimitFor("team-b"));
        Assert.Null(state.Cache.For("team-b"));
        Assert.Null(state.Guard.For("team-b"));
    }

    /// <summary>The folder cycle the issue names: Auth held Budgets', Caching's and Guard's options.</summary>
    [Fact]
    public void Auth_refers_to_no_capability_that_owns_a_team_section()
    {
        var folder = Path.Combine(Metrics.ExternalTool.RepositoryRoot(), "proxy", "Auth");
        var reference = new Regex(@"using LlmGateway\.(Budgets|Caching|Guard)\b|\b(LlmGateway\.)?(Budgets|Caching|Guard)\.[A-Z]");
        var files = Directory.GetFiles(folder, "*.cs");

        Assert.NotEmpty(files);
        Assert.All(files, file => Assert.DoesNotMatch(reference, File.ReadAllText(file)));
    }

    private static (GatewayState? State, List<string> Errors) Build(params (string Key, string Value)[] overrides)
    {
        var settings = GatewayHost.BasicSettings("http://127.0.0.1:9/v1");
        foreach (var (key, value) in overrides)
            settings[key] = value;
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var errors = new List<string>();
        return (GatewayStateBuilder.TryBuild(configuration, 1, errors), errors);
    }
}
