using System.Diagnostics.Metrics;

namespace LlmGateway.Storage.Postgres;

/// <summary>PostgreSQL storage health (meter <c>LlmGateway.Storage</c>); no labels: one database per process.</summary>
internal sealed class PostgresMetrics
{
    public const string MeterName = "LlmGateway.Storage";

    private readonly Counter<long> _refused;
    private readonly Counter<long> _servedUnreserved;

    public PostgresMetrics(IMeterFactory meterFactory, PostgresDatabase database)
    {
        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>("llm_gateway.storage.budget_unavailable", "{request}", "Budget checks that could not reach PostgreSQL and refused the request (OnLedgerFailure = Refuse).");
        _servedUnreserved = meter.CreateCounter<long>("llm_gateway.storage.budget_bypassed", "{request}", "Budget checks that could not reach PostgreSQL and let the request through unreserved (OnLedgerFailure = Serve).");
        meter.CreateObservableGauge("llm_gateway.storage.faulted", () => database.Fault is null ? 0 : 1, null, "1 while PostgreSQL is failing, else 0.");
    }

    /// <summary>The ledger's instruments (it owns the counts they read).</summary>
    public static void ObserveLedger(IMeterFactory meterFactory, PostgresLedger ledger)
    {
        var meter = meterFactory.Create(MeterName);
        meter.CreateObservableGauge("llm_gateway.storage.unrecorded", () => ledger.Unrecorded, "{record}", "Usage records held in memory until PostgreSQL takes them.");
        meter.CreateObservableCounter("llm_gateway.storage.records_lost", () => ledger.Lost, "{record}", "Usage records that never reached PostgreSQL (it did not return before shutdown, or the memory bound was reached).");
    }

    public void Refused() => _refused.Add(1);

    public void Bypassed() => _servedUnreserved.Add(1);
}
