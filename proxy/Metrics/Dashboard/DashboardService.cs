using LlmGateway.Gateway;
using Microsoft.Extensions.Options;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>Scrapes in-process now and builds the <see cref="DashboardModel"/>.</summary>
internal sealed class DashboardService(MetricsPipeline pipeline, GatewayConfigStore config, BuildInfo build, IOptions<MetricsOptions> options, TimeProvider time)
{
    public async Task<DashboardModel> CurrentAsync(CancellationToken cancellationToken)
    {
        var snapshot = MetricsSnapshot.Parse(await pipeline.ScrapeTextAsync(cancellationToken));
        return DashboardBuilder.Build(snapshot, config.Current, build, options.Value.LatencySlo, time.GetUtcNow());
    }
}
