namespace LlmGateway.Caching;

/// <summary>How the semantic cache plugs into the gateway.</summary>
internal static class CachingExtensions
{
    public static IServiceCollection AddCaching(this IServiceCollection services) => services;

    /// <summary>Proxy-pipeline step: after budgets, before the forward.</summary>
    public static IApplicationBuilder UseCaching(this IApplicationBuilder proxy) => proxy;

    public static IEndpointRouteBuilder MapCacheAdmin(this RouteGroupBuilder admin) => admin;
}
