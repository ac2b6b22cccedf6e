namespace LlmGateway.Metrics;

/// <summary>How the metrics capability plugs into the gateway.</summary>
internal static class MetricsExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services) =>
        services.AddSingleton<MetricLabels>();

    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints) => endpoints;

    public static IEndpointRouteBuilder MapMetricsAdmin(this RouteGroupBuilder admin) => admin;
}
