using LlmGateway.VectorIndex;
using Microsoft.Extensions.Options;

namespace LlmGateway.Caching;

/// <summary>How the semantic cache plugs into the gateway.</summary>
internal static class CachingExtensions
{
    public static IServiceCollection AddCaching(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CacheOptions>().BindConfiguration(CacheOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CacheOptions>, CacheOptionsValidator>();
        services.AddVectorIndexOptions(configuration);
        services.AddSingleton<CacheMetrics>();
        services.AddSingleton(_ => new Verified.ErrorBound());
        services.AddSingleton(_ => new Verified.ExplorationRandom());
        services.AddSingleton<Verified.BoundMetrics>();
        services.AddSingleton<SemanticCache>();
        ShadowSampler.AddClient(services);
        services.AddSingleton<ShadowSampler>();
        Verified.AnswerJudge.AddClient(services);
        services.AddSingleton<Verified.IAnswerJudge, Verified.AnswerJudge>();
        services.AddHostedService<CacheMaintenanceService>();
        // After the maintenance service: hosted services stop in reverse order, so verification stops before the last commit.
        services.AddSingleton<Verified.ExplorationVerifier>();
        services.AddHostedService(s => s.GetRequiredService<Verified.ExplorationVerifier>());
        services.AddHealthChecks().AddCheck<CacheHealthCheck>("cache", tags: ["ready"]);
        return services;
    }

    /// <summary>Proxy-pipeline step: after budgets, before the forward.</summary>
    public static IReverseProxyApplicationBuilder UseCaching(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<CachingMiddleware>();
        return proxy;
    }

    public static IEndpointRouteBuilder MapCacheAdmin(this RouteGroupBuilder admin)
    {
        CacheAdminEndpoints.Map(admin);
        return admin;
    }
}
