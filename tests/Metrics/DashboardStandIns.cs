using System.Diagnostics.Metrics;
using LlmGateway.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Tests.Metrics;

/// <summary>
/// STAND-IN cost, savings and budget instruments under the exact names the budgets capability uses
/// (<c>Budgets/BudgetMetrics</c>), recorded by tests that configure no prices or budgets, so the dashboard has
/// something to show. Each test says so.
/// </summary>
internal static class DashboardStandIns
{
    public static void Record(GatewayHost gateway)
    {
        var meter = gateway.App.Services.GetRequiredService<IMeterFactory>().Create("LlmGateway.Tests.StandIns");
        KeyValuePair<string, object?> Team(string t) => new("team", t);
        KeyValuePair<string, object?> Model(string m) => new("model", m);
        var cost = meter.CreateCounter<double>("llm_gateway.cost", "usd", "STAND-IN");
        cost.Add(85, Team("team-a"), Model("gpt-4o-mini"));
        cost.Add(12.5, Team("team-b"), Model("text-embedding-3-small"));
        meter.CreateCounter<long>("llm_gateway.rejections", "{request}", "STAND-IN").Add(2, Team("team-a"), new("reason", "budget"));
        meter.CreateCounter<double>("llm_gateway.saved", "usd", "STAND-IN").Add(4.25, Team("team-a"), Model("gpt-4o-mini"));
        meter.CreateObservableGauge("llm_gateway.budget.spent", () => new[]
        {
            new Measurement<double>(85, Team("team-a"), new("period", "month")),
            new Measurement<double>(12.5, Team("team-b"), new("period", "day")),
        }, "usd", "STAND-IN");
        meter.CreateObservableGauge("llm_gateway.budget.limit", () => new[]
        {
            new Measurement<double>(100, Team("team-a"), new("period", "month")),
            new Measurement<double>(10, Team("team-b"), new("period", "day")),
        }, "usd", "STAND-IN");
    }
}
