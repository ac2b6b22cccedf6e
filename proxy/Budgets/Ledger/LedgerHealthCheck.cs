using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmGateway.Budgets.Ledger;

/// <summary>Unready while the ledger's storage fails: with <c>OnLedgerFailure = refuse</c> billed requests are refused until it returns.</summary>
internal sealed class LedgerHealthCheck(LedgerKeeper keeper) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (keeper.Fault is not { } fault)
            return Task.FromResult(HealthCheckResult.Healthy(keeper.Opened is null ? "not opened" : "records durable"));
        var where = keeper.Opened?.Directory ?? "?";
        return Task.FromResult(HealthCheckResult.Unhealthy(
            $"storage of {where} failing since {fault.Since.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} ({fault.Error}); {keeper.Unrecorded} records held in memory"));
    }
}
