using LlmGateway.Budgets.Accounts;
using LlmGateway.Budgets.Finance;
using LlmGateway.Budgets.Ledger;

namespace LlmGateway.Storage.Postgres;

/// <summary>Registers the PostgreSQL stores in place of the embedded ones (call before <c>AddBudgets</c>, whose registrations are defaults).</summary>
internal static class PostgresStorageExtensions
{
    public static IServiceCollection AddPostgresStorage(this IServiceCollection services)
    {
        services.AddSingleton<PostgresDatabase>();
        services.AddSingleton(sp => sp.GetRequiredService<PostgresDatabase>().DataSource);
        services.AddSingleton<PostgresMetrics>();
        services.AddSingleton<PostgresBudgetStore>();
        services.AddSingleton<IBudgetStore>(sp => sp.GetRequiredService<PostgresBudgetStore>());
        services.AddSingleton<PostgresLedger>();
        services.AddSingleton<ILedgerStore>(sp => sp.GetRequiredService<PostgresLedger>());
        services.AddSingleton<IUsageReader, PostgresUsageReader>();
        services.AddSingleton<PostgresEntryStores>();
        services.AddSingleton<IEntryStoreProvider>(sp => sp.GetRequiredService<PostgresEntryStores>());
        services.AddSingleton<PostgresCacheFollower>();
        services.AddHostedService(sp => sp.GetRequiredService<PostgresCacheFollower>());
        services.AddHealthChecks().AddCheck<PostgresHealthCheck>("postgres", tags: ["ready"]);
        return services;
    }
}
