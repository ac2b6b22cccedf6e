namespace LlmGateway.Budgets.Ledger;

/// <summary>
/// Where usage records become durable: <see cref="LedgerKeeper"/> (a FasterLog in this process) or
/// <c>Storage/Postgres/PostgresLedger</c> (an append-only table shared by replicas). Both group records into one write
/// per interval, keep each record until that write covers it, and report a storage fault while writes fail.
/// </summary>
internal interface ILedgerStore
{
    /// <summary>Appends a record (durable after the next group write; <see cref="LedgerEntry.Durable"/> says when); null when it was counted as lost.</summary>
    LedgerEntry? Append(UsageRecord record);

    /// <summary>The current storage fault episode; null while records become durable.</summary>
    LedgerFault? Fault { get; }
}
