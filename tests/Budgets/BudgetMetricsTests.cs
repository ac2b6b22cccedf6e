using System.Diagnostics.Metrics;
using System.Net;
using LlmGateway.Budgets;
using LlmGateway.Demo;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Budgets;

public sealed class BudgetMetricsTests
{
    [Fact]
    public async Task Cost_tokens_rejections_and_budget_gauges_are_reported_with_bounded_labels()
    {
        await using var upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions());
        var settings = BudgetSettings.With(upstream.BaseUrl, BudgetSettings.TempStorage());
        settings["Gateway:Prices:gpt-4o-mini:MaxOutputTokens"] = "10";
        settings["Gateway:Teams:team-a:Budget:DailyUsd"] = "0.00003";
        settings["Gateway:Teams:team-a:RateLimit:Rpm"] = "1000";
        await using var gateway = await GatewayHost.StartAsync(settings);
        var factory = gateway.App.Services.GetRequiredService<IMeterFactory>();
        var seen = new List<(string Name, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == BudgetMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, factory))
                l.EnableMeasurementEvents(instrument);
        };
        void Record(Instrument i, double v, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var copy = new Dictionary<string, object?>();
            foreach (var t in tags) copy[t.Key] = t.Value;
            lock (seen) seen.Add((i.Name, v, copy));
        }
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        listener.Start();
        _ = gateway.App.Services.GetRequiredService<BudgetMetrics>();

        var client = gateway.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            using var response = await client.PostAsync("/v1/chat/completions", Json.Chat("mini", "a b c"));
            statuses.Add(response.StatusCode);
            await BudgetSettings.WaitForRecordsAsync(gateway, statuses.Count(s => s == HttpStatusCode.OK));
        }
        listener.RecordObservableInstruments();

        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        var ok = statuses.Count(s => s == HttpStatusCode.OK);
        lock (seen)
        {
            Assert.Equal(ok * 0.00000645, seen.Where(m => m.Name == "llm_gateway.cost").Sum(m => m.Value), 12);
            Assert.All(seen.Where(m => m.Name == "llm_gateway.cost"), m => Assert.Equal(("team-a", "gpt-4o-mini"), ((string)m.Tags["team"]!, (string)m.Tags["model"]!)));
            Assert.Equal(ok * 10, seen.Where(m => m.Name == "llm_gateway.tokens" && (string)m.Tags["kind"]! == "completion").Sum(m => m.Value));
            Assert.Equal(6 - ok, seen.Count(m => m.Name == "llm_gateway.rejections" && (string)m.Tags["reason"]! == "budget"));
            Assert.Contains(seen, m => m.Name == "llm_gateway.budget.limit" && m.Value == 0.00003 && (string)m.Tags["period"]! == "day");
            var remaining = seen.Last(m => m.Name == "llm_gateway.budget.remaining").Value;
            Assert.Equal(0.00003 - ok * 0.00000645, remaining, 12);
        }
    }
}
