using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Gateway;

/// <summary>Ready when a valid configuration is loaded (storage capabilities add their own checks).</summary>
internal sealed class ConfigHealthCheck(GatewayConfigStore config) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"configuration generation {config.Current.Generation}"));
}
