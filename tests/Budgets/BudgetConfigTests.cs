using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

public sealed class BudgetConfigTests
{
    [Fact]
    public async Task Bad_prices_budgets_rate_limits_and_accounting_options_fail_startup_naming_each_key()
    {
        var settings = BudgetSettings.With("http://127.0.0.1:9/v1", BudgetSettings.TempStorage());
        settings["Gateway:Prices:gpt-4o-mini:OutputPer1M"] = "-1";
        settings["Gateway:Prices:text-embedding-3-small:Tokenizer"] = "p50k_base";
        settings["Gateway:Teams:team-a:Budget:TimeZone"] = "Mars/Olympus_Mons";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "-5";
        settings["Gateway:Teams:team-a:Budget:SoftPercents:0"] = "0";
        settings["Gateway:Teams:team-a:Budget:WebhookUrl"] = "ftp://example.com/hook";
        settings["Gateway:Teams:team-b:RateLimit:Rpm"] = "0";
        settings["Gateway:Accounting:CommitIntervalMs"] = "0";
        settings["Gateway:Accounting:StreamOverrunPercent"] = "-1";
        settings["Gateway:Accounting:StreamOverrunTokens"] = "-1";

        var ex = await Assert.ThrowsAsync<GatewayConfigException>(() => GatewayHost.StartAsync(settings));

        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Prices:gpt-4o-mini:OutputPer1M:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Prices:text-embedding-3-small:Tokenizer:") && e.Contains("p50k_base") && e.Contains("o200k_base"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Budget:TimeZone:") && e.Contains("Mars/Olympus_Mons"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Budget:DailyUsd:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Budget:SoftPercents:0:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-a:Budget:WebhookUrl:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Teams:team-b:RateLimit:Rpm:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Accounting:CommitIntervalMs:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Accounting:StreamOverrunPercent:"));
        Assert.Contains(ex.Errors, e => e.StartsWith("Gateway:Accounting:StreamOverrunTokens:"));
    }

    [Fact]
    public async Task A_second_gateway_on_the_same_storage_is_refused_rather_than_corrupting_the_ledger()
    {
        var settings = BudgetSettings.With("http://127.0.0.1:9/v1", BudgetSettings.TempStorage());
        await using var first = await GatewayHost.StartAsync(settings);

        var ex = await Assert.ThrowsAsync<IOException>(() => GatewayHost.StartAsync(settings));
        Assert.Contains("in use by another gateway process", ex.Message);
    }
}
