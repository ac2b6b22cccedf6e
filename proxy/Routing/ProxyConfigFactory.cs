using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace LlmGateway.Routing;

/// <summary>YARP routes and clusters from the routing table: one catch-all route, one cluster per provider.</summary>
internal static class ProxyConfigFactory
{
    public const string RouteId = "openai";

    public static IReadOnlyList<RouteConfig> Routes(RoutingTable table) =>
    [
        new RouteConfig
        {
            RouteId = RouteId,
            // The failover step reassigns every request to its model's provider cluster.
            ClusterId = table.DefaultProvider.ClusterId,
            Match = new RouteMatch { Path = "/v1/{**rest}" },
        },
    ];

    public static IReadOnlyList<ClusterConfig> Clusters(RoutingTable table) =>
        [.. table.Providers.Select(Cluster)];

    private static ClusterConfig Cluster(Provider provider) => new()
    {
        ClusterId = provider.ClusterId,
        LoadBalancingPolicy = provider.LoadBalancingPolicy,
        Destinations = provider.BaseUrls
            .Select((url, i) => (url, i))
            .ToDictionary(d => $"{provider.Name}-{d.i}", d => new DestinationConfig { Address = d.url }),
        HealthCheck = new HealthCheckConfig
        {
            Passive = new PassiveHealthCheckConfig
            {
                Enabled = provider.BaseUrls.Count > 1,
                // Not YARP's TransportFailureRate: see ProviderHealthPolicy for why.
                Policy = ProviderHealthPolicy.PolicyName,
                ReactivationPeriod = provider.PassiveHealth.ReactivationPeriod,
            },
        },
        HttpRequest = new ForwarderRequestConfig { ActivityTimeout = provider.Timeout },
        HttpClient = new HttpClientConfig { EnableMultipleHttp2Connections = true },
    };
}
