using System.Diagnostics.Metrics;
using LlmGateway.Gateway;
using LlmGateway.Metrics.Dashboard;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace LlmGateway.Metrics;

/// <summary>How the metrics capability plugs into the gateway.</summary>
internal static class MetricsExtensions
{
    public static IServiceCollection AddGatewayMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MetricsOptions>, MetricsOptionsValidator>();
        services.AddSingleton(BuildInfo.Of(typeof(MetricsExtensions).Assembly));
        services.AddSingleton<MetricLabels>();
        services.AddSingleton<RoutingMetrics>();
        services.AddSingleton<GatewayMetrics>();
        services.AddSingleton<MetricsPipeline>();
        services.AddSingleton<DashboardService>();
        services.AddSingleton<MetricsPortService>();
        services.AddHostedService(sp => sp.GetRequiredService<MetricsPortService>());
        return services;
    }

    /// <summary>
    /// Starts the OpenTelemetry pipeline (so nothing recorded before the first scrape is lost), maps the Prometheus
    /// endpoint on the proxy's port unless a separate port is configured, and the dashboard's login page.
    /// </summary>
    public static IEndpointRouteBuilder MapGatewayMetrics(this IEndpointRouteBuilder endpoints)
    {
        var services = endpoints.ServiceProvider;
        // Validated with every other section by StartupValidation before the pipeline is mapped.
        var options = services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var pipeline = services.GetRequiredService<MetricsPipeline>();
        services.GetRequiredService<GatewayMetrics>();
        if (options.Port is null)
        {
            endpoints.MapPrometheusScrapingEndpoint(options.Path, pipeline.Provider, configureBranchedPipeline: null, optionsName: null)
                .WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head]));
            MetricsLog.Endpoint(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetricsExtensions).FullName!), options.Path, "the proxy's port");
        }
        return endpoints;
    }

    public static IEndpointRouteBuilder MapMetricsAdmin(this RouteGroupBuilder admin)
    {
        DashboardEndpoints.MapProtected(admin);
        return admin;
    }
}
