namespace LlmGateway.Budgets;

/// <summary>How the budgets capability plugs into the gateway.</summary>
internal static class BudgetsExtensions
{
    public static IServiceCollection AddBudgets(this IServiceCollection services) => services;

    /// <summary>Proxy-pipeline step: after parsing, before the cache lookup and the forward.</summary>
    public static IApplicationBuilder UseBudgets(this IApplicationBuilder proxy) => proxy;

    public static IEndpointRouteBuilder MapBudgetsAdmin(this RouteGroupBuilder admin) => admin;
}
