namespace LlmGateway.Guard;

/// <summary>How the guard plugs into the gateway. Its settings live in each team's section and are validated with the <c>Gateway</c> section.</summary>
internal static class GuardExtensions
{
    public static IServiceCollection AddGuard(this IServiceCollection services)
    {
        services.AddSingleton<GuardPolicies>();
        services.AddSingleton<GuardMetrics>();
        return services;
    }

    /// <summary>Proxy-pipeline step: after parsing, before budgets, cache and forward.</summary>
    public static IReverseProxyApplicationBuilder UseGuard(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<GuardMiddleware>();
        return proxy;
    }
}
