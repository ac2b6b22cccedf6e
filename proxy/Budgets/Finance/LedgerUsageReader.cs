using LlmGateway.Budgets.Ledger;

namespace LlmGateway.Budgets.Finance;

/// <summary>Usage from this process's FASTER ledger: scans every committed record (see "Weak or missing" in the README).</summary>
internal sealed class LedgerUsageReader(LedgerKeeper keeper) : IUsageReader
{
    public List<UsageRow> Usage(DateOnly from, DateOnly to) =>
        UsageReport.Build(keeper.Ledger.Read().Select(r => r.Record).OfType<UsageRecord>(), from, to);
}
