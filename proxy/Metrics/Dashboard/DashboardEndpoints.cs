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
        admin.MapGet("/dashboard", async (DashboardService dashboard, CancellationToken cancellationToken) =>
            Results.Content(DashboardPage.Render(await dashboard.CurrentAsync(cancellationToken)), "text/html; charset=utf-8"));
        admin.MapGet("/metrics/summary", async (DashboardService dashboard, CancellationToken cancellationToken) =>
            Results.Json(await dashboard.CurrentAsync(cancellationToken), SummaryJson));
    }
}
