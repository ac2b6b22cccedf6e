namespace LlmGateway.Budgets.Ledger;

/// <summary>A storage fault episode of the ledger: since when, and the first error.</summary>
internal sealed record LedgerFault(DateTimeOffset Since, string Error);
