using System.Net;
using System.Text.Json.Nodes;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace LlmGateway.Tests.Budgets;

public sealed class LimitTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);
    private FakeUpstream _upstream = null!;
    private readonly FakeTimeProvider _clock = new(Noon);

    public async Task InitializeAsync() => _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());

    public async Task DisposeAsync() => await _upstream.DisposeAsync();

    private Task<GatewayHost> StartAsync(Action<Dictionary<string, string?>> adjust)
    {
        var settings = BudgetSettings.With(_upstream.BaseUrl, BudgetSettings.TempStorage());
        adjust(settings);
        return GatewayHost.StartAsync(settings, GatewayHost.WithClock(_clock));
    }

    [Fact]
    public async Task A_request_whose_worst_case_does_not_fit_the_budget_gets_an_openai_shaped_429_naming_team_period_and_reset()
    {
        await using var gateway = await StartAsync(s =>
        {
            s["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.0001"; // the worst case of 1000 output tokens is $0.0006
            s["Gateway:Teams:team-a:Budget:TimeZone"] = "Europe/Berlin";
        });

        using var response = await gateway.Client().PostAsync("/v1/chat/completions", Json.Chat("mini", "too expensive"));

        var body = await response.Content.ReadAsStringAsync();
        await Json.AssertOpenAiErrorAsync(response, 429, code: "budget_exceeded");
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal("budget_exceeded", error["type"]!.GetValue<string>());
        var message = error["message"]!.GetValue<string>();
        Assert.Contains("team-a", message);
        Assert.Contains("daily", message);
        Assert.Contains("2026-11-21 00:00 Europe/Berlin", message);
        // Noon UTC → midnight Berlin (23:00 UTC) is 11 hours away.
        Assert.Equal("39600", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal("2026-11-20T23:00:00Z", response.Headers.GetValues("x-budget-reset").Single());
    }

    [Fact]
    public async Task Requests_per_minute_are_limited_with_openai_headers_and_retry_after()
    {
        await using var gateway = await StartAsync(s => s["Gateway:Teams:team-a:RateLimit:Rpm"] = "3");
        var client = gateway.Client();

        var remaining = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            using var ok = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            Assert.Equal("3", ok.Headers.GetValues("x-ratelimit-limit-requests").Single());
            remaining.Add(ok.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        }
        using var limited = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));
        _clock.Advance(TimeSpan.FromSeconds(20));
        using var afterRefill = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "hi"));

        Assert.Equal(["2", "1", "0"], remaining);
        await Json.AssertOpenAiErrorAsync(limited, 429, code: "rate_limit_exceeded");
        Assert.Equal("20", limited.Headers.GetValues("Retry-After").Single());   // one request per 20 s at 3 rpm
        Assert.Equal("1m0s", limited.Headers.GetValues("x-ratelimit-reset-requests").Single());
        Assert.Equal("0", limited.Headers.GetValues("x-ratelimit-remaining-requests").Single());
        Assert.Equal(HttpStatusCode.OK, afterRefill.StatusCode);
    }

    [Fact]
    public async Task Tokens_per_minute_take_the_estimate_then_settle_to_real_usage()
    {
        await using var gateway = await StartAsync(s => s["Gateway:Teams:team-a:RateLimit:Tpm"] = "200");
        var client = gateway.Client();
        var body = """{"model":"mini","max_tokens":150,"messages":[{"role":"user","content":"a b c"}]}""";

        using var first = await client.PostAsync("/v1/chat/completions", Json.Body(body));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("200", first.Headers.GetValues("x-ratelimit-limit-tokens").Single());
        var afterFirst = long.Parse(first.Headers.GetValues("x-ratelimit-remaining-tokens").Single());
        Assert.InRange(afterFirst, 1, 49); // 150 max_tokens + the prompt estimate were taken
        await BudgetSettings.WaitForRecordsAsync(gateway, 1);

        // Settled to ~12 real tokens: most of the 150+ taken came back, so a second request fits.
        using var second = await client.PostAsync("/v1/chat/completions", Json.Body(body));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await BudgetSettings.WaitForRecordsAsync(gateway, 2);

        using var tooBig = await client.PostAsync("/v1/chat/completions", Json.Body(body.Replace("150", "199")));
        await Json.AssertOpenAiErrorAsync(tooBig, 429, code: "rate_limit_exceeded");
        Assert.Contains("TPM", await tooBig.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unpriced_model_is_blocked_by_default_and_counted_at_zero_when_allowed()
    {
        await using (var blocking = await StartAsync(s => s.Remove("Gateway:Prices:text-embedding-3-small:InputPer1M")))
        {
            using var blocked = await blocking.Client().PostAsync("/v1/embeddings", Json.Body("""{"model":"text-embedding-3-small","input":"x"}"""));
            await Json.AssertOpenAiErrorAsync(blocked, 403, code: "model_not_priced", param: "model");
            Assert.Contains("text-embedding-3-small", await blocked.Content.ReadAsStringAsync());
        }
        await using var free = await StartAsync(s =>
        {
            s.Remove("Gateway:Prices:text-embedding-3-small:InputPer1M");
            s["Gateway:Accounting:UnpricedModels"] = "Free";
        });
        using var counted = await free.Client().PostAsync("/v1/embeddings", Json.Body("""{"model":"text-embedding-3-small","input":"x y"}"""));
        Assert.Equal(HttpStatusCode.OK, counted.StatusCode);
        var record = Assert.Single(await BudgetSettings.WaitForRecordsAsync(free, 1));
        Assert.Equal((0m, 2L), (record.CostUsd, record.PromptTokens));
        Assert.Contains("has no price", free.Logs.All);
    }

    [Fact]
    public async Task Each_soft_threshold_posts_one_webhook_per_period_retried_after_a_failure()
    {
        await using var hook = await WebhookReceiver.StartAsync(failFirst: 1);
        await using var gateway = await StartAsync(s =>
        {
            s["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "10";
            s["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.0001";
            s["Gateway:Teams:team-a:Budget:SoftPercents:0"] = "10";
            s["Gateway:Teams:team-a:Budget:SoftPercents:1"] = "20";
            s["Gateway:Teams:team-a:Budget:WebhookUrl"] = hook.Url;
        });
        var client = gateway.Client();

        // Each request costs (3 × 0.15 + 10 × 0.60) / 1M = $0.00000645: 10 % after 2, 20 % after 4.
        for (var i = 1; i <= 8; i++)
        {
            using var ok = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            await BudgetSettings.WaitForRecordsAsync(gateway, i);
        }
        // The retry after the failed POST waits 1 s on the gateway's clock, and each POST's 10 s attempt timeout runs on
        // that clock too: move it a second at a time, and only after the receiver has been quiet for a while, so that
        // a POST in flight on a busy machine is never timed out by the test.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (hook.Received.Count < 2 && DateTime.UtcNow < deadline)
        {
            var calls = hook.Calls;
            _clock.Advance(TimeSpan.FromSeconds(1));
            var quiet = DateTime.UtcNow.AddMilliseconds(500);
            while (hook.Calls == calls && DateTime.UtcNow < quiet)
                await Task.Delay(20);
        }
        await Task.Delay(300); // room for a duplicate, were there one

        Assert.Equal([10, 20], hook.Received.Select(h => h["percent"]!.GetValue<int>()));
        Assert.All(hook.Received, h => Assert.Equal(("team-a", "day"), (h["team"]!.GetValue<string>(), h["period"]!.GetValue<string>())));
        Assert.Equal(3, hook.Calls); // the first POST failed and was retried once
        Assert.Equal(2, gateway.Logs.Lines.Count(l => l.Contains("[6002]")));
    }
}
