namespace LlmGateway.Metrics.Dashboard;

/// <summary>Samples <see cref="MetricsHistory"/> once at start and then every <see cref="MetricsHistory.Interval"/>, on the injected clock.</summary>
internal sealed class MetricsHistorySampler(MetricsHistory history, ILogger<MetricsHistorySampler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(MetricsHistory.Interval, history.Time);
        do
        {
            try
            {
                await history.SampleAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A failed scrape loses one point of a chart, never the gateway.
                MetricsLog.HistorySampleFailed(logger, ex);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
