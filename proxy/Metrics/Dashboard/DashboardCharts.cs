using System.Globalization;
using LlmGateway.Budgets.Finance;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The dashboard's charts: where the money went (spend and savings per day from the ledger, per team and per model,
/// against the budget line) and whether the gateway is healthy (request rate, 5xx ratio, p50/p95 latency and cache
/// hit ratio per minute from <see cref="MetricsHistory"/>).
/// </summary>
internal static class DashboardCharts
{
    private static readonly string[] Palette = ["#3b82f6", "#8b5cf6", "#f59e0b", "#14b8a6", "#ec4899", "#64748b", "#84cc16", "#ef4444"];
    private const string SavedColor = "#16a34a", BudgetColor = "#dc2626", SloColor = "#dc2626";

    public static List<ChartData> Finance(SpendDays spend)
    {
        var x = Enumerable.Range(0, spend.Days).Select(i => spend.From.AddDays(i).ToString("MM-dd", CultureInfo.InvariantCulture)).ToList();
        var byDay = spend.Rows.ToLookup(r => r.Day.DayNumber - spend.From.DayNumber);
        var notes = Enumerable.Range(0, spend.Days).Select(i => Note(byDay[i])).ToList();
        var saved = new ChartSeries("saved by the cache", PerDay(spend, byDay, _ => true, r => r.SavedUsd), ChartSeriesKind.Line, SavedColor);
        var charts = new List<ChartData>();

        var teams = spend.DailyAllowance.Keys.ToList();
        var teamSeries = teams.Select((team, i) => new ChartSeries(team, PerDay(spend, byDay, r => r.Team == team, r => r.CostUsd), ChartSeriesKind.Bar, Palette[i % Palette.Length]))
            .Where(s => s.Values.Any(v => v > 0)).ToList();
        charts.Add(new ChartData("spend-by-team", "Spend per day by team", ChartUnit.Usd, x, [.. teamSeries, saved])
        {
            Notes = notes,
            Caption = "From the ledger (UTC days); bars stack each team's spend, the line is what the cache saved.",
        });

        var models = spend.Rows.Select(r => r.Model).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var modelSeries = models.Select((model, i) => new ChartSeries(model, PerDay(spend, byDay, r => r.Model == model, r => r.CostUsd), ChartSeriesKind.Bar, Palette[i % Palette.Length]))
            .Where(s => s.Values.Any(v => v > 0)).ToList();
        charts.Add(new ChartData("spend-by-model", "Spend per day by model", ChartUnit.Usd, x, [.. modelSeries, saved])
        {
            Notes = notes,
            Caption = "From the ledger (UTC days); bars stack each model's spend, the line is what the cache saved.",
        });

        for (var i = 0; i < teams.Count; i++)
        {
            var team = teams[i];
            var allowance = spend.DailyAllowance[team];
            var teamDays = Enumerable.Range(0, spend.Days).Select(d => Note(byDay[d].Where(r => r.Team == team))).ToList();
            var series = new List<ChartSeries>
            {
                new("spend", PerDay(spend, byDay, r => r.Team == team, r => r.CostUsd), ChartSeriesKind.Bar, Palette[i % Palette.Length]),
                new("saved by the cache", PerDay(spend, byDay, r => r.Team == team, r => r.SavedUsd), ChartSeriesKind.Line, SavedColor),
            };
            if (allowance.Any(a => a is not null))
                series.Add(new ChartSeries("daily budget", allowance.Select(a => a is { } v ? (double)v : double.NaN).ToArray(), ChartSeriesKind.Dashed, BudgetColor));
            var chart = new ChartData("team-" + (i + 1).ToString(CultureInfo.InvariantCulture), team + ": spend per day vs budget", ChartUnit.Usd, x, series)
            {
                Notes = teamDays,
                Caption = "Budget line: the daily limit, else the weekly limit / 7, else the monthly limit / days in the month.",
            };
            if (!chart.IsEmpty)
                charts.Add(chart);
        }
        return charts;
    }

    public static List<ChartData> Health(IReadOnlyList<MetricsHistory.Rates> rates, TimeSpan slo)
    {
        var x = rates.Select(r => r.At.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)).ToList();
        double[] Of(Func<MetricsHistory.Rates, double> value) => rates.Select(value).ToArray();
        const string caption = "Per minute, in memory since the gateway started (UTC); Prometheus keeps the long history.";
        return
        [
            new ChartData("requests", "Request rate", ChartUnit.PerSecond, x, [new("requests per second", Of(r => r.RequestsPerSecond), ChartSeriesKind.Line, Palette[0])]) { Caption = caption },
            new ChartData("errors", "5xx ratio", ChartUnit.Ratio, x, [new("5xx / requests", Of(r => r.ServerErrorRatio), ChartSeriesKind.Line, BudgetColor)]) { Caption = caption },
            Latency(x, Of(r => r.P50), Of(r => r.P95), slo),
            new ChartData("cache", "Cache hit ratio", ChartUnit.Ratio, x, [new("hits / lookups", Of(r => r.CacheHitRatio), ChartSeriesKind.Line, SavedColor)]) { Caption = caption },
        ];
    }

    /// <summary>
    /// p50 and p95 with the SLO line, unless the SLO is far above every point: a 10 s line would flatten 30 ms
    /// latencies to the axis, so the caption states it instead.
    /// </summary>
    private static ChartData Latency(List<string> x, double[] p50, double[] p95, TimeSpan slo)
    {
        var highest = p95.Where(double.IsFinite).DefaultIfEmpty(0).Max();
        List<ChartSeries> series = [new("p50", p50, ChartSeriesKind.Line, Palette[0]), new("p95", p95, ChartSeriesKind.Line, Palette[1])];
        var caption = "Estimated from histogram buckets per minute, as histogram_quantile does.";
        if (slo.TotalSeconds <= 3 * highest)
            series.Add(new ChartSeries("SLO", p95.Select(_ => slo.TotalSeconds).ToArray(), ChartSeriesKind.Dashed, SloColor));
        else
            caption += $" The SLO ({DashboardPage.Seconds(slo.TotalSeconds)}) is far above every point.";
        return new ChartData("latency", "Latency p50 / p95", ChartUnit.Seconds, x, series) { Caption = caption };
    }

    private static double[] PerDay(SpendDays spend, ILookup<int, UsageRow> byDay, Func<UsageRow, bool> where, Func<UsageRow, decimal> value) =>
        Enumerable.Range(0, spend.Days).Select(d => (double)byDay[d].Where(where).Sum(value)).ToArray();

    private static string Note(IEnumerable<UsageRow> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
            return "";
        return $"{DashboardPage.Usd((double)list.Sum(r => r.CostUsd))} for {DashboardPage.Tokens(list.Sum(r => r.SpentTokens))} spent, "
            + $"{DashboardPage.Usd((double)list.Sum(r => r.SavedUsd))} for {DashboardPage.Tokens(list.Sum(r => r.SavedTokens))} saved";
    }
}
