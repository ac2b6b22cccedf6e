using LlmGateway.Budgets.Finance;
using LlmGateway.Gateway;
using Microsoft.Extensions.Options;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>Scrapes in-process now, reads the ledger's last days and the in-memory history, and builds the <see cref="DashboardModel"/>.</summary>
internal sealed class DashboardService(
    MetricsPipeline pipeline, GatewayConfigStore config, BuildInfo build, IOptions<MetricsOptions> options, TimeProvider time,
    SpendHistory spend, MetricsHistory history)
{
    /// <summary>The period selector's choices; anything else falls back to the default (first).</summary>
    public static readonly int[] DayChoices = [30, 7, 90];
    public static readonly int[] HourChoices = [6, 1, 24];

    public async Task<DashboardModel> CurrentAsync(CancellationToken cancellationToken, int? days = null, int? hours = null, bool charts = true)
    {
        var snapshot = MetricsSnapshot.Parse(await pipeline.ScrapeTextAsync(cancellationToken));
        var model = DashboardBuilder.Build(snapshot, config.Current, build, options.Value.LatencySlo, time.GetUtcNow());
        if (!charts)
            return model;
        var d = Choose(days, DayChoices);
        var h = Choose(hours, HourChoices);
        return model with
        {
            Days = d,
            Hours = h,
            FinanceCharts = DashboardCharts.Finance(spend.Read(d)),
            HealthCharts = DashboardCharts.Health(history.Since(TimeSpan.FromHours(h)), options.Value.LatencySlo),
        };
    }

    private static int Choose(int? value, int[] choices) => value is { } v && choices.Contains(v) ? v : choices[0];
}
