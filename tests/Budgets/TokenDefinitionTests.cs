using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Caching;
using LlmGateway.Gateway;
using LlmGateway.Metrics;
using LlmGateway.Tests.Infrastructure;
using LlmGateway.Tests.Metrics;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// One definition of tokens in all four places finance and SREs read them: <c>/admin/usage</c>, the <c>usage</c> CLI,
/// <c>/admin/budgets</c> and <c>/metrics</c>. Spent tokens were sent to a provider; a cache hit's tokens are saved.
/// </summary>
public sealed class TokenDefinitionTests
{
    private const string AdminKey = "sk-admin-tokens";

    [Fact]
    public async Task Usage_api_cli_budgets_and_metrics_agree_that_a_cache_hit_saves_its_tokens_instead_of_spending_them()
    {
        await using var upstream = await Demo.FakeUpstream.StartAsync(new Demo.FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Cache:Enabled"] = "true";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "100";
        settings["Gateway:Admin:KeySha256:0"] = TeamKeys.Sha256Hex(AdminKey);
        await using var gateway = await GatewayHost.StartAsync(settings);
        var client = gateway.Client();

        foreach (var question in new[] { "What is the capital of France?", "What is the capital of France?", "How tall is Mont Blanc?" })
        {
            using var r = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", question));
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            await BudgetSettings.WaitForRecordsAsync(gateway, BudgetSettings.Records(gateway).Count + 1);
        }
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 3);
        Assert.Equal([CacheResult.Miss, CacheResult.Hit, CacheResult.Miss], records.Select(r => r.CacheResult));
        var spent = records.Where(r => r.CacheResult != CacheResult.Hit).Sum(r => r.PromptTokens + r.CompletionTokens);
        var saved = records.Where(r => r.CacheResult == CacheResult.Hit).Sum(r => r.PromptTokens + r.CompletionTokens);
        Assert.True(spent > 0 && saved > 0);

        var admin = gateway.Client(AdminKey);
        var usage = JsonNode.Parse(await admin.GetStringAsync("/admin/usage?format=json"))!;
        var cliOutput = new StringWriter();
        Assert.Equal(0, await GatewayCommandLine.InvokeAsync(["usage", "--storage", storage, "--format", "json"], cliOutput, TextWriter.Null));
        var cli = JsonNode.Parse(cliOutput.ToString())!;
        var budgets = JsonNode.Parse(await admin.GetStringAsync("/admin/budgets"))!;
        var budgetTokens = budgets["teams"]!.AsArray().Single(t => t!["team"]!.GetValue<string>() == "team-a")!["periods"]!.AsArray()
            .Single(p => p!["period"]!.GetValue<string>() == "day")!["spent_tokens"]!.GetValue<long>();
        var metricTokens = await MetricTokensAsync(gateway, spent);

        foreach (var report in new[] { usage, cli })
        {
            Assert.Equal(spent, report["total_spent_tokens"]!.GetValue<long>());
            Assert.Equal(saved, report["total_saved_tokens"]!.GetValue<long>());
            var row = Assert.Single(report["rows"]!.AsArray())!;
            Assert.Equal(spent, row["prompt_tokens"]!.GetValue<long>() + row["completion_tokens"]!.GetValue<long>());
            Assert.Equal(saved, row["saved_prompt_tokens"]!.GetValue<long>() + row["saved_completion_tokens"]!.GetValue<long>());
            Assert.Equal((3L, 1L), (row["requests"]!.GetValue<long>(), row["cache_hits"]!.GetValue<long>()));
        }
        Assert.Equal(spent, budgetTokens);
        Assert.Equal(spent, metricTokens);
    }

    /// <summary>llm_gateway_tokens_total of team-a, all kinds; recorded just after the ledger commit, so polled.</summary>
    private static Task<long> MetricTokensAsync(GatewayHost gateway, long expected) =>
        Eventually.ReadAsync(async () => (long)MetricsSnapshot.Parse(await MetricsScrape.TextAsync(gateway)).Values(MetricFamilies.Tokens)
            .Where(t => t.Label("team") == "team-a").Sum(t => t.Value), tokens => tokens >= expected);
}
