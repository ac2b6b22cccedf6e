using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Caching;

/// <summary>Ready once the cache's store is open (resolving it opens it); unready while the store fails (the cache is bypassed).</summary>
internal sealed class CacheHealthCheck(SemanticCache cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (cache.Fault is not { } fault)
            return Task.FromResult(HealthCheckResult.Healthy($"{cache.Count} entries"));
        return Task.FromResult(HealthCheckResult.Unhealthy(
            $"storage of {cache.Folder} failing since {fault.Since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({fault.Error}); the cache is bypassed"));
    }
}
