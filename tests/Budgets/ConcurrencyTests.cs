using System.Net;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;

namespace LlmGateway.Tests.Budgets;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_concurrent_requests_against_a_nearly_exhausted_budget_never_overspend()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 20 });
        var settings = BudgetSettings.With(upstream.BaseUrl, BudgetSettings.TempStorage());
        // The fake answers 10 tokens ("This is the fake upstream's answer to: a b c"), within the model's 10-token cap, so every reservation covers its real cost:
        // the stated bound is then zero overspend.
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "10";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.0002";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var client = gateway.Client();
        for (var i = 0; i < 12; i++) // spend 12 × $0.00000645 = $0.0000774 of $0.0002 first
            (await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"))).EnsureSuccessStatusCode();
        await BudgetSettings.WaitForRecordsAsync(gateway, 12);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
            return response.StatusCode;
        }));

        var ok = responses.Count(s => s == HttpStatusCode.OK);
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 12 + ok);
        var spent = records.Sum(r => r.CostUsd);
        Assert.True(spent <= 0.0002m, $"spent {spent} over the 0.0002 limit");
        // $0.0001226 left: ~7 worst-case reservations ($0.0000165 each) fit at once, at most 19 real costs in all.
        Assert.InRange(ok, 2, 19);
        Assert.Equal(200, ok + responses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(12 + ok, records.Count);
    }
}
