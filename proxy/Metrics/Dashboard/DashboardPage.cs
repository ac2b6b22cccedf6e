using System.Globalization;
using System.Net;
using System.Text;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The built-in dashboard, rendered on the server as one self-contained HTML page (no script, no external
/// assets, SVG charts): where the money went and what the cache saved per day, whether latency and errors are healthy
/// over the last hours, then the tables: spend vs budget per team, latency percentiles per model, upstream errors.
/// </summary>
internal static class DashboardPage
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(DashboardModel m)
    {
        var html = new StringBuilder(16 * 1024);
        html.Append("""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta http-equiv="refresh" content="30">
            <title>LlmGateway dashboard</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#1d2433;background:#f6f7fb}
            h1{font-size:22px;margin:0 0 4px} h2{font-size:16px;margin:28px 0 8px}
            .muted{color:#667085;font-size:12px}
            .cards{display:flex;gap:12px;flex-wrap:wrap;margin-top:16px}
            .card{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:12px 16px;min-width:150px}
            .card .v{font-size:24px;font-weight:600} .card .k{font-size:12px;color:#667085}
            table{border-collapse:collapse;background:#fff;border:1px solid #e4e7ec;min-width:640px}
            th,td{padding:6px 10px;border-bottom:1px solid #eef0f4;text-align:right;font-size:13px}
            th{background:#f0f2f7;font-weight:600} td:first-child,th:first-child{text-align:left}
            .bar{position:relative;width:180px;height:12px;background:#eef0f4;border-radius:6px;display:inline-block;vertical-align:middle}
            .bar>span{position:absolute;left:0;top:0;bottom:0;border-radius:6px;background:#3b82f6}
            .warn>span{background:#f59e0b} .over>span{background:#dc2626}
            .bad{color:#dc2626;font-weight:600} .note{background:#fff8e6;border:1px solid #f5d48a;padding:8px 12px;border-radius:6px;font-size:13px}
            .tok{color:#667085;font-size:11px;display:block}
            .periods{margin-top:12px;font-size:13px} .periods a{display:inline-block;padding:3px 10px;margin-right:4px;border:1px solid #d0d5dd;border-radius:12px;color:#1d2433;text-decoration:none;background:#fff}
            .periods a.on{background:#1d2433;color:#fff;border-color:#1d2433}
            .charts{display:flex;flex-wrap:wrap;gap:12px} .panel{background:#fff;border:1px solid #e4e7ec;border-radius:8px;padding:10px 12px}
            .panel h3{font-size:13px;margin:0 0 4px;display:flex;justify-content:space-between} .panel h3 a{font-weight:400;font-size:12px;color:#3b82f6}
            .chart .tick{font-size:10px;fill:#667085} .legend{font-size:11px;color:#475467;max-width:560px} .legend span{margin-right:12px;white-space:nowrap}
            .legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle;border-radius:2px}
            .caption{font-size:11px;color:#98a2b3;max-width:560px}
            </style></head><body>
            """);
        html.Append("<form method=\"post\" action=\"/admin/logout\" style=\"float:right\"><button type=\"submit\">Sign out</button></form>");
        html.Append("<h1>LlmGateway</h1><div class=\"muted\">version ").Append(E(m.Version)).Append(" · commit ").Append(E(m.Commit))
            .Append(" · ").Append(E(m.At.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant))).Append("</div>");
        Periods(html, m);

        html.Append("<div class=\"cards\">");
        Card(html, "requests", m.Requests.ToString("N0", Invariant), "requests");
        Card(html, "spend since start", Usd(m.CostUsd), "spend", Tokens(m.Tokens) + " sent to providers");
        Card(html, "saved by the cache since start", Usd(m.SavedUsd), "saved");
        Card(html, "cache hit ratio", Percent(m.CacheHitRatio), "hit-ratio");
        Card(html, "5xx ratio", Percent(m.ServerErrorRatio), "error-ratio");
        html.Append("</div>");
        if (!m.HasCost)
            html.Append("<p class=\"note\" id=\"no-cost\">No cost recorded yet (no priced request, or the budgets capability is not running): spend shows 0.</p>");

        html.Append("<h2>Where the money went: last ").Append(m.Days).Append(" days</h2>");
        Charts(html, m, m.FinanceCharts, "days=" + m.Days.ToString(Invariant));
        html.Append("<h2>Health: last ").Append(m.Hours).Append(m.Hours == 1 ? " hour" : " hours").Append("</h2>");
        if (m.HealthCharts.Count > 0 && m.HealthCharts[0].X.Count == 0)
            html.Append("<p class=\"muted\" id=\"no-history\">No history yet: the gateway samples its counters once a minute.</p>");
        else
            Charts(html, m, m.HealthCharts, "hours=" + m.Hours.ToString(Invariant));

        // One row per team, a column per budget period (day, week, month), so a team never appears twice.
        var periods = m.Teams.SelectMany(t => t.Budgets.Select(b => b.Period)).Distinct(StringComparer.Ordinal).OrderBy(PeriodOrder).ToList();
        html.Append("<h2>Spend vs budget per team</h2><table id=\"teams\"><tr><th>team</th><th>requests</th><th>rejected</th><th>spend</th><th>saved</th>");
        foreach (var period in periods)
            html.Append("<th>budget per ").Append(E(period)).Append("</th>");
        if (periods.Count == 0)
            html.Append("<th>budget</th>");
        html.Append("</tr>");
        foreach (var team in m.Teams)
        {
            TeamCells(html, team);
            foreach (var period in periods)
            {
                if (team.Budgets.FirstOrDefault(b => b.Period == period) is not { } budget)
                {
                    html.Append("<td class=\"muted\">–</td>");
                    continue;
                }
                var used = budget.UsedRatio;
                var css = used >= 1 ? "bar over" : used >= 0.8 ? "bar warn" : "bar";
                // A visible sliver for any spend at all: 0.003 % of a budget is not "nothing".
                var width = double.IsNaN(used) ? 0 : budget.SpentUsd > 0 ? Math.Max(1, Math.Clamp(used, 0, 1) * 100) : 0;
                html.Append("<td class=\"budget\" data-period=\"").Append(E(period)).Append("\">").Append(Usd(budget.SpentUsd)).Append(" / ").Append(Usd(budget.LimitUsd))
                    .Append(" <span").Append(used >= 1 ? " class=\"bad\"" : "").Append('>').Append(Percent(used)).Append("</span><br><span class=\"")
                    .Append(css).Append("\"><span style=\"width:").Append(width.ToString("0.#", Invariant)).Append("%\"></span></span></td>");
            }
            if (periods.Count == 0)
                html.Append("<td class=\"muted\">no budget</td>");
            html.Append("</tr>");
        }
        html.Append("</table>");
        if (!m.HasBudgets)
            html.Append("<p class=\"muted\">No budgets recorded (Gateway:Teams:{team}:Budget).</p>");

        html.Append("<h2>Latency and savings per model</h2><table id=\"models\"><tr><th>model</th><th>requests</th><th>p50</th><th>p95</th><th>p99</th>")
            .Append("<th>TTFT p50</th><th>TTFT p95</th><th>5xx</th><th>cache hits</th><th>spend</th><th>saved</th></tr>");
        foreach (var model in m.Models)
        {
            html.Append("<tr><td>").Append(E(model.Model)).Append("</td><td>").Append(model.Requests.ToString("N0", Invariant)).Append("</td><td>")
                .Append(Seconds(model.P50)).Append("</td><td").Append(model.P95 > m.LatencySloSeconds ? " class=\"bad\"" : "").Append('>')
                .Append(Seconds(model.P95)).Append("</td><td>").Append(Seconds(model.P99)).Append("</td><td>").Append(Seconds(model.TtftP50))
                .Append("</td><td>").Append(Seconds(model.TtftP95)).Append("</td><td>").Append(Percent(model.ServerErrorRatio)).Append("</td><td>")
                .Append(Percent(model.CacheHitRatio)).Append("</td><td>").Append(Usd(model.CostUsd)).Append(TokenNote(model.Tokens)).Append("</td><td>").Append(Usd(model.SavedUsd)).Append("</td></tr>");
        }
        html.Append("</table><p class=\"muted\">Percentiles are estimated from histogram buckets, as Prometheus' histogram_quantile does; p95 above the SLO (")
            .Append(Seconds(m.LatencySloSeconds)).Append(") is red.</p>");

        if (m.Bound.Count > 0)
        {
            html.Append("<h2>Verified cache (MaxErrorRate)</h2><table id=\"verified-cache\"><tr><th>team</th><th>model</th><th>served</th><th>explored</th><th>skipped</th>")
                .Append("<th>verified same</th><th>verified different</th><th>exploration cost</th><th>estimated error rate</th></tr>");
            foreach (var row in m.Bound)
            {
                html.Append("<tr><td>").Append(E(row.Team)).Append("</td><td>").Append(E(row.Model)).Append("</td><td>").Append(row.Served.ToString("N0", Invariant))
                    .Append("</td><td>").Append(row.Explored.ToString("N0", Invariant)).Append("</td><td>").Append(row.Skipped.ToString("N0", Invariant))
                    .Append("</td><td>").Append(row.Same.ToString("N0", Invariant)).Append("</td><td>").Append(row.Different.ToString("N0", Invariant))
                    .Append("</td><td>").Append(Usd(row.ExplorationCostUsd)).Append("</td><td>").Append(Percent(row.EstimatedErrorRate)).Append("</td></tr>");
            }
            html.Append("</table><p class=\"muted\">Semantic candidates decided by the error bound; each exploration is one upstream call, compared in the background.</p>");
        }

        html.Append("<h2>Upstream errors</h2>");
        if (m.UpstreamErrors.Count == 0)
            html.Append("<p class=\"muted\" id=\"no-errors\">None.</p>");
        else
        {
            html.Append("<table id=\"errors\"><tr><th>provider</th><th>reason</th><th>count</th></tr>");
            foreach (var error in m.UpstreamErrors)
                html.Append("<tr><td>").Append(E(error.Provider)).Append("</td><td>").Append(E(error.Reason)).Append("</td><td>").Append(error.Count.ToString("N0", Invariant)).Append("</td></tr>");
            html.Append("</table>");
        }
        html.Append("</body></html>");
        return html.ToString();
    }

    private static void TeamCells(StringBuilder html, DashboardModel.TeamRow team) =>
        html.Append("<tr><td>").Append(E(team.Team)).Append("</td><td>").Append(team.Requests.ToString("N0", Invariant)).Append("</td><td>")
            .Append(team.Rejections.ToString("N0", Invariant)).Append("</td><td>").Append(Usd(team.CostUsd)).Append(TokenNote(team.Tokens)).Append("</td><td>")
            .Append(Usd(team.SavedUsd)).Append("</td>");

    private static string TokenNote(long tokens) => tokens > 0 ? "<span class=\"tok\">" + E(Tokens(tokens)) + "</span>" : "";

    private static void Card(StringBuilder html, string label, string value, string id, string? sub = null) =>
        html.Append("<div class=\"card\" id=\"").Append(id).Append("\"><div class=\"k\">").Append(E(label)).Append("</div><div class=\"v\">").Append(E(value))
            .Append("</div>").Append(sub is null ? "" : "<div class=\"k\">" + E(sub) + "</div>").Append("</div>");

    /// <summary>The period selector: plain links (no script), keeping the other choice.</summary>
    private static void Periods(StringBuilder html, DashboardModel m)
    {
        html.Append("<div class=\"periods\" id=\"periods\">spend over ");
        foreach (var d in DashboardService.DayChoices.Order())
            html.Append("<a href=\"?days=").Append(d).Append("&amp;hours=").Append(m.Hours).Append('"').Append(d == m.Days ? " class=\"on\"" : "").Append('>').Append(d).Append(" days</a>");
        html.Append(" &nbsp; health over ");
        foreach (var h in DashboardService.HourChoices.Order())
            html.Append("<a href=\"?days=").Append(m.Days).Append("&amp;hours=").Append(h).Append('"').Append(h == m.Hours ? " class=\"on\"" : "").Append('>').Append(h).Append(h == 1 ? " hour" : " hours").Append("</a>");
        html.Append("</div>");
    }

    private static void Charts(StringBuilder html, DashboardModel m, IReadOnlyList<ChartData> charts, string period)
    {
        html.Append("<div class=\"charts\">");
        foreach (var chart in charts)
        {
            html.Append("<div class=\"panel\"><h3>").Append(E(chart.Title)).Append("<a href=\"/admin/dashboard/chart.csv?chart=").Append(chart.Id).Append("&amp;").Append(period)
                .Append("\" download>CSV</a></h3>");
            // Flat zero bars say nothing a sentence would not say better.
            if (chart.IsEmpty && chart.Unit == ChartUnit.Usd)
                html.Append("<p class=\"muted empty\">No spend or savings in the ledger for these days.</p>");
            else
                SvgChart.Render(html, chart);
            if (chart.Caption.Length > 0)
                html.Append("<div class=\"caption\">").Append(E(chart.Caption)).Append("</div>");
            html.Append("</div>");
        }
        html.Append("</div>");
    }

    private static int PeriodOrder(string period) => period switch { "day" => 0, "week" => 1, "month" => 2, _ => 3 };

    private static string E(string s) => WebUtility.HtmlEncode(s);

    /// <summary>
    /// Dollars with the precision their size needs: cents from $1 up, three significant digits below ($0.0425,
    /// $0.000028), so a few cents of spend never show as $0.0000. Zero is $0.00 everywhere.
    /// </summary>
    internal static string Usd(double v)
    {
        if (double.IsNaN(v))
            return "–";
        var abs = Math.Abs(v);
        if (abs == 0 || abs >= 1)
            return (v < 0 ? "-$" : "$") + abs.ToString("N2", Invariant);
        var decimals = Math.Clamp(2 - (int)Math.Floor(Math.Log10(abs)), 2, 10);
        return (v < 0 ? "-$" : "$") + abs.ToString("0.00" + new string('#', decimals - 2), Invariant);
    }

    /// <summary>A token count for a reader: 950 tokens, 12.3k tokens, 4.56M tokens.</summary>
    internal static string Tokens(long n) => n switch
    {
        < 10_000 => n.ToString("N0", Invariant) + " tokens",
        < 1_000_000 => (n / 1000.0).ToString("0.#", Invariant) + "k tokens",
        _ => (n / 1_000_000.0).ToString("0.##", Invariant) + "M tokens",
    };

    /// <summary>A ratio as a percentage; below 1 % with two significant digits, so $0.0001 of a $40 budget is not "0 %".</summary>
    internal static string Percent(double ratio)
    {
        if (double.IsNaN(ratio))
            return "–";
        var pct = ratio * 100;
        if (pct == 0 || Math.Abs(pct) >= 1)
            return pct.ToString("0.#", Invariant) + " %";
        var decimals = Math.Clamp(1 - (int)Math.Floor(Math.Log10(Math.Abs(pct))), 1, 8);
        return pct.ToString("0." + new string('#', decimals), Invariant) + " %";
    }

    internal static string Seconds(double s) => double.IsNaN(s) ? "–"
        : s < 1 ? (s * 1000).ToString(s < 0.01 ? "0.##" : "0", Invariant) + " ms"
        : s.ToString("0.##", Invariant) + " s";
}
