using System.Diagnostics.Metrics;

namespace LlmGateway.Budgets.Ledger;

/// <summary>The ledger's storage-health instruments (meter <c>LlmGateway.Budgets</c>): no labels, one ledger per process.</summary>
internal sealed class LedgerMetrics
{
    private readonly Counter<long> _lost;
    private readonly Counter<long> _faults;

    public LedgerMetrics(IMeterFactory meterFactory, LedgerKeeper keeper)
    {
        var meter = meterFactory.Create(BudgetMetrics.MeterName);
        _lost = meter.CreateCounter<long>("llm_gateway.ledger.records_lost", "{record}", "Usage records that never became durable (storage failed and did not return before shutdown, or the memory bound was reached).");
        _faults = meter.CreateCounter<long>("llm_gateway.ledger.faults", "{fault}", "Episodes of ledger storage failure.");
        meter.CreateObservableGauge("llm_gateway.ledger.faulted", () => keeper.Fault is null ? 0 : 1, null, "1 while the ledger's storage is failing, else 0.");
        meter.CreateObservableGauge("llm_gateway.ledger.unrecorded", () => keeper.Unrecorded, "{record}", "Usage records held in memory, not yet durable.");
    }

    public void Lost(int count)
    {
        if (count > 0)
            _lost.Add(count);
    }

    public void Faulted() => _faults.Add(1);
}
