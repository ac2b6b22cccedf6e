using LlmGateway.Gateway;

namespace LlmGateway.Demo;

/// <summary>Runs the fake upstream beside the gateway when <c>Gateway:DemoUpstream:Enabled</c> is true.</summary>
internal sealed class DemoUpstreamService(GatewayConfigStore config, ILogger<DemoUpstreamService> logger, DemoUpstreamMove? moved = null) : IHostedService
{
    private FakeUpstream? _upstream;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var demo = config.Current.Options.DemoUpstream;
        if (!demo.Enabled)
            return;
        if (moved is not null)
            GatewayLog.DemoUpstreamMoved(logger, moved.From, moved.To);
        try
        {
            _upstream = await FakeUpstream.StartAsync(new FakeUpstreamOptions { LatencyMs = demo.LatencyMs, ChunkDelayMs = demo.ChunkDelayMs }, demo.Url, cancellationToken);
        }
        catch (IOException ex)
        {
            // One line, not the host's stack trace: the gateway itself still runs; requests to the demo models get 502.
            GatewayLog.DemoUpstreamFailed(logger, demo.Url, ex.Message);
            return;
        }
        GatewayLog.DemoUpstreamStarted(logger, _upstream.Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_upstream is not null)
            await _upstream.DisposeAsync();
    }
}
