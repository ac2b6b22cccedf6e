using LlmGateway.Gateway;
using LlmGateway.Guard;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Guard;

public sealed class GuardConfigTests
{
    [Fact]
    public async Task Bad_guard_settings_fail_startup_naming_each_key()
    {
        var settings = GatewayHost.BasicSettings("http://localhost:1/v1");
        settings["Gateway:Teams:team-a:Guard:Default"] = "mask";
        settings["Gateway:Teams:team-a:Guard:Categories:Emails"] = "redact";
        settings["Gateway:Teams:team-a:Guard:Categories:Phone"] = "hide";
        settings["Gateway:Teams:team-a:Guard:Models:no-such-model:Default"] = "off";
        settings["Gateway:Teams:team-a:Guard:Models:gpt-4o-mini:Categories:Jwt"] = "sometimes";
        settings["Gateway:Teams:team-a:Guard:Patterns:code"] = "PRJ-(\\d{4}";
        settings["Gateway:Teams:team-a:Guard:Keywords:0"] = "ab";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Default:") && e.Contains("mask"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Categories:Emails: no such category"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Categories:Phone:") && e.Contains("hide"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Models:no-such-model:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Models:gpt-4o-mini:Categories:Jwt:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Patterns:code:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Guard:Keywords:0:"));
    }

    [Theory]
    [InlineData(null, null, null, null, "Off")]
    [InlineData("log", null, null, null, "Log")]
    [InlineData("log", "block", null, null, "Block")]
    [InlineData("log", "block", "redact", null, "Redact")]
    [InlineData("log", "block", "redact", "off", "Off")]
    [InlineData(null, null, "Redact", null, "Redact")]
    public void The_most_specific_setting_wins(string? teamDefault, string? teamEmail, string? modelDefault, string? modelEmail, string expected)
    {
        var options = new TeamGuardOptions { Default = teamDefault };
        if (teamEmail is not null)
            options.Categories["email"] = teamEmail;
        var model = new ModelGuardOptions { Default = modelDefault };
        if (modelEmail is not null)
            model.Categories["Email"] = modelEmail;
        options.Models["m"] = model;

        Assert.Equal(Enum.Parse<GuardAction>(expected), GuardPolicies.Build(options, "m").ActionFor(GuardCategory.Email));
        Assert.Equal(teamEmail is null ? GuardPolicy.TryParseAction(teamDefault, out var a) ? a : GuardAction.Off : Enum.Parse<GuardAction>(teamEmail, true),
            GuardPolicies.Build(options, "other").ActionFor(GuardCategory.Email));
    }

    [Theory]
    [InlineData("off", true)]
    [InlineData("BLOCK", true)]
    [InlineData(" redact ", true)]
    [InlineData("1", false)]
    [InlineData("mask", false)]
    [InlineData("", false)]
    public void Actions_parse_by_name_only(string value, bool valid) => Assert.Equal(valid, GuardPolicy.TryParseAction(value, out _));

    [Fact]
    public void A_policy_with_every_category_off_scans_nothing()
    {
        var policy = GuardPolicies.Build(new TeamGuardOptions { Default = "off", Keywords = ["Falcon"] }, "");
        Assert.True(policy.Scanned.IsEmpty);
        Assert.Null(new GuardPolicies().For(new TeamGuardOptions { Default = "off" }, null));
        Assert.Null(new GuardPolicies().For(null, null));
    }
}
