using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json.Nodes;
using LlmGateway.Auth;
using LlmGateway.Budgets;
using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Gateway;
using LlmGateway.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

/// <summary>What a cache hit costs: nothing, with the saved cost of the stored answer in the ledger; through the real cache, and in the budgets step on its own with the cache's verdict set by the next step. Whether a request hits: <c>tests/Caching/CacheHitTests</c>.</summary>
public sealed class CacheSavingsTests
{
    [Fact]
    public async Task Through_the_real_cache_a_repeated_question_is_recorded_as_a_saving_beside_the_original_spend()
    {
        await using var upstream = await Demo.FakeUpstream.StartAsync(new Demo.FakeUpstreamOptions());
        var settings = BudgetSettings.With(upstream.BaseUrl, BudgetSettings.TempStorage());
        settings["Gateway:Cache:Enabled"] = "true";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var client = gateway.Client();

        using var first = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "What is the capital of France?"));
        await BudgetSettings.WaitForRecordsAsync(gateway, 1);
        using var second = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "What is the capital of France?"));
        var records = await BudgetSettings.WaitForRecordsAsync(gateway, 2);

        Assert.Equal(["MISS", "HIT"], new[] { first, second }.Select(r => r.Headers.GetValues("x-cache").Single()));
        Assert.Equal(2, records.Count);
        var (miss, hit) = (records[0], records[1]);
        Assert.Equal((CacheResult.Miss, CacheResult.Hit), (miss.CacheResult, hit.CacheResult));
        Assert.True(miss.CostUsd > 0);
        Assert.Equal((0m, miss.CostUsd), (hit.CostUsd, hit.SavedUsd));
        Assert.Equal((miss.PromptTokens, miss.CompletionTokens), (hit.PromptTokens, hit.CompletionTokens));
    }

    [Fact]
    public async Task A_cache_hit_costs_nothing_and_records_the_saved_cost_of_the_stored_answer()
    {
        var settings = BudgetSettings.With("http://127.0.0.1:9/v1", BudgetSettings.TempStorage());
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "1";
        await using var provider = LlmGateway.Bench.Budgets.StandaloneBudgets.Build(settings);
        var store = provider.GetRequiredService<GatewayConfigStore>();
        var measurements = new List<(string Name, double Value)>();
        // Only this provider's meter: tests running beside this one record costs on meters of the same name.
        var factory = provider.GetRequiredService<IMeterFactory>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BudgetMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => { lock (measurements) measurements.Add((instrument.Name, value)); });
        listener.Start();
        _ = provider.GetRequiredService<BudgetMetrics>();

        var middleware = ActivatorUtilities.CreateInstance<BudgetMiddleware>(provider, (RequestDelegate)(async context =>
        {
            context.Features.GetRequiredFeature<ICachingExchange>().SetCacheOutcome(new CacheOutcome(CacheResult.Hit, "exact", 1, new TokenUsage(1000, 200, 500, false)));
            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("{\"choices\":[]}");
        }));
        var context = new DefaultHttpContext { TraceIdentifier = "req_cache_hit" };
        context.Response.Body = new MemoryStream();
        Assert.True(store.Current.Teams.TryFind(TeamKeys.Sha256Hex(GatewayHost.TeamKey), out var team));
        context.Features.Set(team);
        Assert.True(store.Current.Routing.TryResolve("mini", out var route));
        var body = JsonNode.Parse("""{"model":"mini","messages":[{"role":"user","content":"cached?"}]}""")!.AsObject();
        GatewayExchange.Start(context, team, new GatewayRequest(OpenAiEndpoint.ChatCompletions, body, Encoding.UTF8.GetBytes(body.ToJsonString()), "mini", route, stream: false));

        await middleware.InvokeAsync(context);

        var record = Assert.Single(provider.GetRequiredService<LedgerKeeper>().Ledger.Read().Select(r => r.Record!));
        Assert.Equal(CacheResult.Hit, record.CacheResult);
        Assert.Equal(0m, record.CostUsd);
        // 800 uncached × 0.15 + 200 cached × 0.075 + 500 × 0.60 = 435 per 1M.
        Assert.Equal(0.000435m, record.SavedUsd);
        Assert.Equal(("team-a", "req_cache_hit", "cache"), (record.Team, record.RequestId, record.Provider));
        var policy = provider.GetRequiredService<BudgetsConfigProvider>().Current.PolicyFor("team-a");
        var day = provider.GetRequiredService<BudgetEngine>().Book.Team("team-a").Balances(policy, DateTimeOffset.UtcNow)[0];
        Assert.Equal((0m, 0m, 0L), (day.SpentUsd, day.ReservedUsd, day.SpentTokens));
        Assert.Contains(measurements, m => m.Name == "llm_gateway.saved" && m.Value == 0.000435);
        Assert.DoesNotContain(measurements, m => m.Name == "llm_gateway.cost");
        provider.GetRequiredService<LedgerKeeper>().Dispose();
    }
}
