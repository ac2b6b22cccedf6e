using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

public sealed class ReplayTests
{
    private const string AdminKey = "sk-gw-test-admin";

    [Fact]
    public async Task Balances_after_a_restart_equal_those_before_with_and_without_the_snapshot()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var storage = BudgetSettings.TempStorage();
        var settings = BudgetSettings.With(upstream.BaseUrl, storage);
        settings["Gateway:Admin:KeySha256:0"] = LlmGateway.Auth.TeamKeys.Sha256Hex(AdminKey);
        settings["Gateway:Teams:team-a:Budget:MonthlyUsd"] = "5";
        settings["Gateway:Teams:team-a:Budget:TimeZone"] = "Europe/Berlin";

        JsonNode before;
        string usageBefore;
        await using (var first = await GatewayHost.StartAsync(settings))
        {
            var client = first.Client();
            for (var i = 0; i < 20; i++)
                (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", $"question {i} with some words"))).EnsureSuccessStatusCode();
            (await first.Client(GatewayHost.OtherTeamKey).PostAsync("/v1/embeddings", Json.Body("""{"model":"text-embedding-3-small","input":"x y z"}"""))).EnsureSuccessStatusCode();
            await BudgetSettings.WaitForRecordsAsync(first, 21);
            before = await BudgetsAsync(first);
            usageBefore = await UsageCsvAsync(first);
        }
        Assert.True(File.Exists(Path.Combine(LedgerKeeper.LedgerDirectory(storage), LedgerSnapshot.FileName)));

        await using (var second = await GatewayHost.StartAsync(settings))
        {
            Assert.Equal(Spent(before), Spent(await BudgetsAsync(second)));
            Assert.Equal(usageBefore, await UsageCsvAsync(second));
        }

        File.Delete(Path.Combine(LedgerKeeper.LedgerDirectory(storage), LedgerSnapshot.FileName));
        await using var third = await GatewayHost.StartAsync(settings);
        Assert.Equal(Spent(before), Spent(await BudgetsAsync(third)));
        Assert.Contains("21 records replayed from address 0", third.Logs.All);
        Assert.True(Spent(before).Single(s => s.Team == "team-a" && s.Period == "month").Usd > 0);
    }

    private static async Task<JsonNode> BudgetsAsync(GatewayHost gateway)
    {
        using var response = await gateway.Client(AdminKey).GetAsync("/admin/budgets");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static async Task<string> UsageCsvAsync(GatewayHost gateway)
    {
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd");
        using var response = await gateway.Client(AdminKey).GetAsync($"/admin/usage?from=2026-01-01&to={today}&format=csv");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csv = await response.Content.ReadAsStringAsync();
        Assert.Contains(",team-a,gpt-4o-mini,20,", csv);
        return csv;
    }

    private static List<(string Team, string Period, decimal Usd, long Tokens)> Spent(JsonNode budgets) =>
        budgets["teams"]!.AsArray().SelectMany(t => t!["periods"]!.AsArray().Select(p => (
            t["team"]!.GetValue<string>(), p!["period"]!.GetValue<string>(), p["spent_usd"]!.GetValue<decimal>(), p["spent_tokens"]!.GetValue<long>()))).ToList();
}
