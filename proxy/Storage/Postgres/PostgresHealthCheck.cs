using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Storage.Postgres;

/// <summary>Unready while PostgreSQL fails: billed requests are refused (by default) and usage records are held in memory until it returns.</summary>
internal sealed class PostgresHealthCheck(PostgresDatabase database, PostgresLedger ledger) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (database.Fault is not { } fault)
            return Task.FromResult(HealthCheckResult.Healthy($"{database.Server}: records durable"));
        return Task.FromResult(HealthCheckResult.Unhealthy(
            $"PostgreSQL at {database.Server} failing since {fault.Since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({fault.Error}); {ledger.Unrecorded} records held in memory"));
    }
}
