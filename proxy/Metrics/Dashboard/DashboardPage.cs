using System.Globalization;
using System.Net;
using System.Text;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The built-in dashboard, rendered on the server as one self-contained HTML page (no script, no external
/// assets): spend vs budget per team, savings, cache hit ratio, latency percentiles per model, upstream errors.
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
            </style></head><body>
            """);
        html.Append("<form method=\"post\" action=\"/admin/logout\" style=\"float:right\"><button type=\"submit\">Sign out</button></form>");
        html.Append("<h1>LlmGateway</h1><div class=\"muted\">version ").Append(E(m.Version)).Append(" · commit ").Append(E(m.Commit))
            .Append(" · totals since the gateway started · ").Append(E(m.At.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Invariant))).Append("</div>");

        html.Append("<div class=\"cards\">");
        Card(html, "requests", m.Requests.ToString("N0", Invariant), "requests");
        Card(html, "spend", Usd(m.CostUsd), "spend");
        Card(html, "saved by the cache", Usd(m.SavedUsd), "saved");
        Card(html, "cache hit ratio", Percent(m.CacheHitRatio), "hit-ratio");
        Card(html, "5xx ratio", Percent(m.ServerErrorRatio), "error-ratio");
        html.Append("</div>");
        if (!m.HasCost)
            html.Append("<p class=\"note\" id=\"no-cost\">No cost recorded yet (no priced request, or the budgets capability is not running): spend shows 0.</p>");

        html.Append("<h2>Spend vs budget per team</h2><table id=\"teams\"><tr><th>team</th><th>requests</th><th>rejected</th><th>spend</th><th>saved</th><th>budget</th><th>used</th><th></th></tr>");
        foreach (var team in m.Teams)
        {
            if (team.Budgets.Count == 0)
            {
                TeamCells(html, team);
                html.Append("<td class=\"muted\">no budget</td><td></td><td></td></tr>");
                continue;
            }
            foreach (var budget in team.Budgets)
            {
                var used = budget.UsedRatio;
                var css = used >= 1 ? "bar over" : used >= 0.8 ? "bar warn" : "bar";
                var width = double.IsNaN(used) ? 0 : Math.Clamp(used, 0, 1) * 100;
                TeamCells(html, team);
                html.Append("<td>").Append(Usd(budget.SpentUsd)).Append(" / ").Append(Usd(budget.LimitUsd)).Append(" per ").Append(E(budget.Period))
                    .Append("</td><td").Append(used >= 1 ? " class=\"bad\"" : "").Append('>').Append(Percent(used)).Append("</td><td><span class=\"")
                    .Append(css).Append("\"><span style=\"width:").Append(width.ToString("0.#", Invariant)).Append("%\"></span></span></td></tr>");
            }
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
                .Append(Percent(model.CacheHitRatio)).Append("</td><td>").Append(Usd(model.CostUsd)).Append("</td><td>").Append(Usd(model.SavedUsd)).Append("</td></tr>");
        }
        html.Append("</table><p class=\"muted\">Percentiles are estimated from histogram buckets, as Prometheus' histogram_quantile does; p95 above the SLO (")
            .Append(Seconds(m.LatencySloSeconds)).Append(") is red.</p>");

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
            .Append(team.Rejections.ToString("N0", Invariant)).Append("</td><td>").Append(Usd(team.CostUsd)).Append("</td><td>")
            .Append(Usd(team.SavedUsd)).Append("</td>");

    private static void Card(StringBuilder html, string label, string value, string id) =>
        html.Append("<div class=\"card\" id=\"").Append(id).Append("\"><div class=\"k\">").Append(E(label)).Append("</div><div class=\"v\">").Append(E(value)).Append("</div></div>");

    private static string E(string s) => WebUtility.HtmlEncode(s);

    internal static string Usd(double v) => "$" + v.ToString(v != 0 && Math.Abs(v) < 0.01 ? "0.0000" : "N2", Invariant);

    internal static string Percent(double ratio) => double.IsNaN(ratio) ? "–" : (ratio * 100).ToString("0.#", Invariant) + " %";

    internal static string Seconds(double s) => double.IsNaN(s) ? "–"
        : s < 1 ? (s * 1000).ToString(s < 0.01 ? "0.##" : "0", Invariant) + " ms"
        : s.ToString("0.##", Invariant) + " s";
}
