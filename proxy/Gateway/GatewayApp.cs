using LlmGateway.Admin;
using LlmGateway.Auth;
using LlmGateway.Budgets;
using LlmGateway.Caching;
using LlmGateway.Capture;
using LlmGateway.Demo;
using LlmGateway.Embeddings;
using LlmGateway.Guard;
using LlmGateway.Metrics;
using LlmGateway.Routing;
using LlmGateway.Storage.Postgres;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmGateway.Gateway;

/// <summary>Builds the gateway: services of every capability, then the request pipeline (its order and both halves: Gateway/README.md).</summary>
public static class GatewayApp
{
    /// <param name="args">Command-line arguments (<c>--urls</c>, <c>--config</c>, and configuration overrides).</param>
    /// <param name="configure">Lets tests and benchmarks add configuration or replace services.</param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Configuration.AddGatewayConfigFile();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        FilterLogsThatPrintSecrets(builder.Logging);
        configure?.Invoke(builder);

        var services = builder.Services;
        if (DemoUpstreamPort.Resolve(builder.Configuration) is { } moved)
            services.AddSingleton(moved);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<GatewayConfigStore>();
        services.AddAdminAuthentication();
        services.AddSingleton<RequestBodyGate>();
        services.AddHealthChecks().AddCheck<ConfigHealthCheck>("config", tags: ["ready"]);
        services.AddGatewayRouting();
        services.AddHostedService<DemoUpstreamService>();
        services.AddGatewayMetrics();
        services.AddGuard();
        // Read straight from configuration (validated with the rest of the Gateway section below).
        if (string.Equals(builder.Configuration["Gateway:Storage:Provider"], Storage.StorageOptions.Postgres, StringComparison.OrdinalIgnoreCase))
            services.AddPostgresStorage();
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

    /// <summary>
    /// ASP.NET Core's "Request starting/finished" lines print the URL with its query, where clients put keys
    /// (<c>?api_key=</c>, <c>/admin/login?key=</c>), and are written before any middleware could redact it; Kestrel's
    /// bad-request lines (Debug) quote the raw request line and headers. Both are held to Warning; the gateway's
    /// access log (<see cref="RequestTrackingMiddleware"/>) carries the path and the redacted query instead.
    /// YARP's "Proxying to" line needs no filter: it prints the provider URL, whose credential query was removed.
    /// </summary>
    private static void FilterLogsThatPrintSecrets(ILoggingBuilder logging) =>
        // Inserted first so that it is only a default: a rule for the same category from configuration
        // (Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics) or a later AddFilter comes after it and wins.
        logging.Services.Configure<LoggerFilterOptions>(options =>
        {
            options.Rules.Insert(0, new LoggerFilterRule(null, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, null));
            options.Rules.Insert(0, new LoggerFilterRule(null, "Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning, null));
        });

    private static void MapPipeline(WebApplication app)
    {
        app.UseMiddleware<RequestTrackingMiddleware>();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = ReadinessWriter.WriteAsync });

        app.UseWhen(context => context.Request.Path.StartsWithSegments("/v1"), v1 => v1.UseMiddleware<TeamKeyAuthMiddleware>());
        app.UseRouting();
        // After routing, so that authorization sees the endpoint (WebApplication would add both ahead of the whole
        // pipeline otherwise). Only /admin endpoints carry authorization metadata.
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapModels();
        app.MapGatewayMetrics();
        var admin = app.MapAdmin();
        admin.MapMetricsAdmin();
        admin.MapBudgetsAdmin();
        admin.MapCacheAdmin();
        // Paths nothing else answers get an OpenAI-shaped 404 rather than an empty one.
        app.MapFallback(context => OpenAiError.WriteAsync(context, StatusCodes.Status404NotFound, "There is no such endpoint on this gateway.", OpenAiError.InvalidRequest));
        // The request path, top-down; the answer comes back through the same steps in reverse (Gateway/README.md).
        app.MapReverseProxy(proxy =>
        {
            proxy.UseRequestParsing();      // body read and parsed once, model resolved and allowed: creates the exchange
            proxy.UseGuard();               // confidential data: block, or redact the parsed body in place
            proxy.UseBudgets();             // rate limits, reservation, forward plan; on the way back: settlement, ledger record
            proxy.UseCaching();             // exact then semantic lookup: a hit is answered here; on the way back: store
            proxy.UseResponseCapture();     // upstream time starts; on the way back: the answer teed into the capture
            proxy.UseForwardLimits();       // forwards in flight are bounded (503 beyond the queue)
            proxy.UseFailover();            // one attempt per target until one answers or a byte reached the client
            proxy.UseLoadBalancing();       // YARP: a base URL of the attempt's provider
            proxy.UsePassiveHealthChecks(); // YARP: a failing base URL is taken out
        });
    }
}
