using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Caching;

/// <summary>Ready once the cache's store is open (resolving it opens it).</summary>
internal sealed class CacheHealthCheck(SemanticCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy($"{cache.Count} entries"));
}
