using LlmGateway.Admin;
using LlmGateway.Auth;
using LlmGateway.Budgets;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Demo;
using LlmGateway.Embeddings;
using LlmGateway.Metrics;
using LlmGateway.Routing;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmGateway.Gateway;

/// <summary>Builds the gateway: services of every capability, then the request pipeline in the order of DESIGN.md.</summary>
public static class GatewayApp
{
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--config</c>, and configuration overrides).</param>
    /// <param name="configure">Lets tests and benchmarks add configuration or replace services.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddGatewayConfigFile();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        configure?.Invoke(builder);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayConfigStore>();
        services.AddSingleton<AdminSessions>();
        services.AddSingleton<RequestBodyGate>();
        services.AddHealthChecks().AddCheck<ConfigHealthCheck>("config", tags: ["ready"]);
        services.AddGatewayRouting();
        services.AddHostedService<DemoUpstreamService>();
        services.AddGatewayMetrics();
        services.AddBudgets();
        services.AddEmbeddings(builder.Configuration);
        services.AddCaching(builder.Configuration);
        // Read straight from configuration: the host builds its options before the gateway's config is validated.
        var shutdownTimeout = TimeSpan.TryParse(builder.Configuration["Gateway:ShutdownTimeout"], out var timeout) && timeout >= TimeSpan.Zero ? timeout : new GatewayOptions().ShutdownTimeout;
        services.Configure<HostOptions>(host => host.ShutdownTimeout = shutdownTimeout);

        var app = builder.Build();
        // Fail fast, with every error of every section listed before anything opens or listens.
        var errors = StartupValidation.Errors(app.Services);
        if (errors.Count > 0)
            throw new GatewayConfigException(errors);
        MapPipeline(app);
        return app;
    }

    private static void MapPipeline(WebApplication app)
    {
        app.UseMiddleware<RequestTrackingMiddleware>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        app.UseWhen(context => context.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseMiddleware<TeamKeyAuthMiddleware>());
        app.UseRouting();
        app.MapModels();
        app.MapGatewayMetrics();
        var admin = app.MapAdmin();
        admin.MapMetricsAdmin();
        admin.MapBudgetsAdmin();
        admin.MapCacheAdmin();
        // Paths nothing else answers get an OpenAI-shaped 404 rather than an empty one.
        app.MapFallback(context => OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, "There is no such endpoint on this gateway.", OpenAiError.InvalidRequest));
        app.MapReverseProxy(proxy =>
        {
            proxy.UseMiddleware<RequestParsingMiddleware>();
            proxy.UseBudgets();
            proxy.UseCaching();
            proxy.UseMiddleware<ResponseCaptureMiddleware>();
            proxy.UseMiddleware<FailoverMiddleware>();
            proxy.UseLoadBalancing();
            proxy.UsePassiveHealthChecks();
        });
    }
}
