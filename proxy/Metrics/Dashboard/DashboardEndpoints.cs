using System.Text.Json;
using LlmGateway.Admin;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>
/// The built-in dashboard for finance and SRE without Grafana: <c>/admin/dashboard</c> (HTML) and
/// <c>/admin/metrics/summary</c> (JSON), behind the admin key or a dashboard session (sign-in:
/// <see cref="SignInEndpoints"/>).
/// </summary>
internal static class DashboardEndpoints
{
    private static readonly JsonSerializerOptions SummaryJson = new(JsonSerializerDefaults.Web) { Converters = { new NonFiniteAsNullConverter() } };

    /// <summary>On the admin-key-protected <c>/admin</c> group; the page is <see cref="SignInEndpoints.HomePath"/>, where sign-in lands.</summary>
    public static void MapProtected(RouteGroupBuilder admin)
    {
        admin.MapGet("/dashboard", async (int? days, int? hours, DashboardService dashboard, CancellationToken cancellationToken) =>
            Results.Content(DashboardPage.Render(await dashboard.CurrentAsync(cancellationToken, days, hours)), "text/html; charset=utf-8"));
        // What one chart shows, as CSV: the same ChartData the SVG was drawn from.
        admin.MapGet("/dashboard/chart.csv", async (string? chart, int? days, int? hours, DashboardService dashboard, CancellationToken cancellationToken) =>
        {
            var model = await dashboard.CurrentAsync(cancellationToken, days, hours);
            var found = model.FinanceCharts.Concat(model.HealthCharts).FirstOrDefault(c => c.Id == chart);
            if (found is null)
                return Gateway.OpenAiError.Result(StatusCodes.Status404NotFound, $"No chart '{chart}' on the dashboard.", Gateway.OpenAiError.InvalidRequest, "chart");
            var period = found.Unit == ChartUnit.Usd ? $"{model.Days}d" : $"{model.Hours}h";
            return Results.File(System.Text.Encoding.UTF8.GetBytes(found.Csv()), "text/csv; charset=utf-8", $"{found.Id}-{period}.csv");
        });
        admin.MapGet("/metrics/summary", async (DashboardService dashboard, CancellationToken cancellationToken) =>
            Results.Json(await dashboard.CurrentAsync(cancellationToken, charts: false), SummaryJson));
    }
}
