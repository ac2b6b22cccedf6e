using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Finance;
using LlmGateway.Budgets.Ledger;
using LlmGateway.Budgets.Notifications;
using LlmGateway.Budgets.RateLimiting;
using LlmGateway.Budgets.Usage;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmGateway.Budgets;

/// <summary>How the budgets capability plugs into the gateway.</summary>
internal static class BudgetsExtensions
{
    public static IServiceCollection AddBudgets(this IServiceCollection services)
    {
        services.AddSingleton<BudgetsConfigProvider>();
        services.AddSingleton<AccountBook>();
        services.AddSingleton<BudgetEngine>();
        services.AddSingleton<TeamRateLimiter>();
        services.AddSingleton<BudgetMetrics>();
        services.AddSingleton<Settler>();
        services.AddSingleton<TextTokenCounter>();
        services.AddSingleton<LedgerKeeper>();
        // The embedded stores are defaults: Storage/Postgres registers its own first when Gateway:Storage:Provider = postgres.
        services.TryAddSingleton<IBudgetStore>(sp => sp.GetRequiredService<BudgetEngine>());
        services.TryAddSingleton<ILedgerStore>(sp => sp.GetRequiredService<LedgerKeeper>());
        services.TryAddSingleton<IUsageReader, LedgerUsageReader>();
        services.AddSingleton<Finance.SpendHistory>();
        services.AddSingleton<IHostedService>(sp => (IHostedService)sp.GetRequiredService<ILedgerStore>());
        services.AddHealthChecks().AddCheck<LedgerHealthCheck>("ledger", tags: ["ready"]);
        ThresholdNotifier.AddWebhookClient(services);
        services.AddSingleton<ThresholdNotifier>();
        services.AddHostedService(sp => sp.GetRequiredService<ThresholdNotifier>());
        return services;
    }

    /// <summary>Proxy-pipeline step: after parsing, before the cache lookup and the forward.</summary>
    public static IReverseProxyApplicationBuilder UseBudgets(this IReverseProxyApplicationBuilder proxy)
    {
        proxy.UseMiddleware<BudgetMiddleware>();
        return proxy;
    }

    public static IEndpointRouteBuilder MapBudgetsAdmin(this RouteGroupBuilder admin)
    {
        FinanceEndpoints.Map(admin);
        return admin;
    }
}
