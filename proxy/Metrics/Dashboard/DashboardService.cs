using LlmGateway.Gateway;
using Microsoft.Extensions.Options;

namespace LlmGateway.Metrics.Dashboard;

/// <summary>Collects now and builds the <see cref="DashboardModel"/>.</summary>
internal sealed class DashboardService(MetricsPipeline pipeline, GatewayConfigStore config, BuildInfo build, IOptions<MetricsOptions> options, TimeProvider time)
{
    public DashboardModel Current()
    {
        MetricsSnapshot? snapshot = null;
        pipeline.Collect(metrics => snapshot = MetricsSnapshot.From(metrics));
        return DashboardBuilder.Build(snapshot!, config.Current, build, options.Value.LatencySlo, time.GetUtcNow());
    }
}
