using LlmGateway.Capture;
using LlmGateway.Gateway;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Transforms;

namespace LlmGateway.Routing;

internal static class RoutingServiceCollectionExtensions
{
    public static IServiceCollection AddGatewayRouting(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var routing = sp.GetRequiredService<GatewayConfigStore>().Current.Routing;
            return new InMemoryConfigProvider(ProxyConfigFactory.Routes(routing), ProxyConfigFactory.Clusters(routing));
        });
        services.AddSingleton<IProxyConfigProvider>(sp => sp.GetRequiredService<InMemoryConfigProvider>());
        services.AddHostedService<ProxyConfigUpdater>();
        services.AddSingleton<IPassiveHealthCheckPolicy, ProviderHealthPolicy>();
        services.AddRateLimiter(); // the services behind ForwardLimits' middleware; its limiter is its own

        services.AddReverseProxy().AddTransforms(builder =>
        {
            // Client IPs and hosts are not the provider's business.
            builder.UseDefaultForwarders = false;
            builder.AddRequestTransform(ProviderTransforms.ApplyRequest);
            builder.AddRequestTransform(ProviderTimingHandler.Attach);
            builder.AddResponseTransform(ProviderTransforms.ApplyResponse);
            // After ApplyResponse, which may suppress the body: a stream the budgets cut off must abort the provider's call.
            builder.AddResponseTransform(CuttableUpstreamContent.Attach);
        });
        // The provider's own time is measured in the forwarder's client, right above the socket handler.
        services.AddSingleton<IForwarderHttpClientFactory, ProviderTimingClientFactory>();
        return services;
    }
}
