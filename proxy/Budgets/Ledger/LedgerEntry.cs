namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// One usage record on its way to durability. It stays with the <see cref="LedgerKeeper"/> until a commit covers it,
/// so a ledger that fails and is reopened can write it again (its address in a failed log means nothing).
/// </summary>
internal sealed class LedgerEntry(UsageRecord record)
{
    private readonly TaskCompletionSource<bool> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public UsageRecord Record { get; } = record;

    /// <summary>Address in <see cref="Log"/>; -1 while it is only in memory (appended while the ledger was failing).</summary>
    public long Address { get; private set; } = -1;

    /// <summary>The log instance <see cref="Address"/> belongs to: after a reopen, an address of the failed instance below the recovered commit is durable.</summary>
    public UsageLedger? Log { get; private set; }

    public void At(UsageLedger log, long address)
    {
        Log = log;
        Address = address;
    }

    /// <summary>True once committed; false when the ledger failed first (the record is held in memory, or lost at shutdown).</summary>
    public Task<bool> Durable => _settled.Task;

    public void Committed() => _settled.TrySetResult(true);

    public void Held() => _settled.TrySetResult(false);
}
