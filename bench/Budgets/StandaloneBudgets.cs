using LlmGateway.Budgets;
using LlmGateway.Gateway;
using LlmGateway.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmGateway.Bench.Budgets;

/// <summary>The budgets step's services without the web host, from gateway settings (the bench and a test drive the middleware directly).</summary>
internal static class StandaloneBudgets
{
    public static ServiceProvider Build(IDictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddMetrics()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton(TimeProvider.System)
            .AddSingleton<GatewayConfigStore>()
            .AddSingleton<MetricLabels>()
            .AddBudgets()
            .BuildServiceProvider();
}
