using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LlmGateway.Tests.Budgets;

/// <summary>
/// Puts a <see cref="Infrastructure.ManualTimeProvider"/> in place of the gateway's clock. The gateway registers
/// <c>TimeProvider.System</c> after the test's configure callback, so the swap happens when the container is built.
/// </summary>
internal sealed class ManualClock(TimeProvider clock) : IServiceProviderFactory<IServiceCollection>
{
    public static Action<WebApplicationBuilder> Use(TimeProvider clock) => builder => builder.Host.UseServiceProviderFactory(new ManualClock(clock));

    public IServiceCollection CreateBuilder(IServiceCollection services)
    {
        services.RemoveAll<TimeProvider>();
        services.AddSingleton(clock);
        return services;
    }

    public IServiceProvider CreateServiceProvider(IServiceCollection containerBuilder) => containerBuilder.BuildServiceProvider();
}
