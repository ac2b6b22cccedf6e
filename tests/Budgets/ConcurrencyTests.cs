using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Budgets.Usage;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task With_the_model_tokenizer_reservations_are_near_real_cost_and_many_more_requests_fit_without_overspend()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = 20 });
        var settings = BudgetSettings.With(upstream.BaseUrl, BudgetSettings.TempStorage());
        // Input dominates the price here, as for long prompts: the prompt bound decides how many requests fit.
        settings["Gateway:Prices:gpt-4o-mini:InputPer1M"] = "1.00";
        settings["Gateway:Prices:gpt-4o-mini:OutputPer1M"] = "0.10";
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "40"; // the fake's answer is at most ~30 words
        settings["Gateway:Prices:gpt-4o-mini:Tokenizer"] = "o200k_base";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.002";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var counter = gateway.App.Services.GetRequiredService<TextTokenCounter>();
        await counter.LoadAsync(TokenizerKind.O200kBase);
        var question = string.Concat(Enumerable.Repeat("please summarise the quarterly figures for the northern region ", 5)).Trim();
        var body = JsonNode.Parse(await Json.Chat("mini", question).ReadAsStringAsync())!;
        var tokenReservation = PromptTokens.Count(body, TokenizerKind.O200kBase, counter)!.Value.UpperBound * 1.00m + 40 * 0.10m;
        var byteReservation = body.ToJsonString().Length * 1.00m + 40 * 0.10m;

        var client = gateway.Client();
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", question));
            return response.StatusCode;
        }));

        var ok = responses.Count(s => s == HttpStatusCode.OK);
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, ok);
        Assert.True(records.Sum(r => r.CostUsd) <= 0.002m, $"spent {records.Sum(r => r.CostUsd)} over the 0.002 limit");
        Assert.All(records, r => Assert.True(r.PromptTokens * 1.00m + r.CompletionTokens * 0.10m <= tokenReservation, $"{r.PromptTokens} prompt tokens"));
        // A request is refused only once the admitted ones hold the whole limit at their reservation (settled ones hold less).
        var fitAtOnce = (int)(2000m / tokenReservation);
        Assert.True(ok >= fitAtOnce, $"{ok} admitted, {fitAtOnce} reservations of {tokenReservation} per 1M fit");
        Assert.True(fitAtOnce >= 3 * (int)(2000m / byteReservation), $"bound {tokenReservation} vs bytes {byteReservation} per 1M");
        Assert.Equal(200, ok + responses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
