using LlmGateway.Gateway;
using Yarp.ReverseProxy.Configuration;

namespace LlmGateway.Routing;

/// <summary>Keeps YARP's routes and clusters in step with each valid configuration reload.</summary>
internal sealed class ProxyConfigUpdater : IHostedService
{
    private readonly GatewayConfigStore _config;
    private readonly InMemoryConfigProvider _proxyConfig;

    public ProxyConfigUpdater(GatewayConfigStore config, InMemoryConfigProvider proxyConfig)
    {
        _config = config;
        _proxyConfig = proxyConfig;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _config.Changed += Apply;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _config.Changed -= Apply;
        return Task.CompletedTask;
    }

    private void Apply(GatewayState state) =>
        _proxyConfig.Update(ProxyConfigFactory.Routes(state.Routing), ProxyConfigFactory.Clusters(state.Routing));
}
